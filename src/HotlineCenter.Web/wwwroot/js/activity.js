// Tells the server that someone is at this console (a key, a click, a touch), at most every 30 seconds.
// The server signs an idle console out (Auth:IdleTimeout): this script only reports; it decides nothing.
let reporter = null;
let last = 0;

function report() {
    const now = Date.now();
    if (!reporter || now - last < 30000) return;
    last = now;
    reporter.invokeMethodAsync('Touch').catch(() => {});
}

export function start(dotNetRef) {
    reporter = dotNetRef;
    for (const type of ['keydown', 'pointerdown', 'touchstart', 'wheel']) {
        window.addEventListener(type, report, { passive: true, capture: true });
    }
}
