// The offer ring: two short tones every two seconds, made with Web Audio (no audio file, nothing fetched).
let timer = null;
let context = null;

function beep(at, frequency) {
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    oscillator.frequency.value = frequency;
    gain.gain.setValueAtTime(0.15, at);
    gain.gain.exponentialRampToValueAtTime(0.001, at + 0.35);
    oscillator.connect(gain).connect(context.destination);
    oscillator.start(at);
    oscillator.stop(at + 0.4);
}

export function start() {
    if (timer) return;
    context = context ?? new AudioContext();
    const ring = () => { const now = context.currentTime; beep(now, 880); beep(now + 0.45, 660); };
    ring();
    timer = setInterval(ring, 2000);
}

export function stop() {
    if (timer) { clearInterval(timer); timer = null; }
}
