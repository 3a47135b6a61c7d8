// The counsellor's browser softphone: Twilio's Voice JS SDK, bundled by esbuild into
// wwwroot/js/softphone.bundle.js at build time, driven from Softphone.razor through JS interop.
// One device per page; the Blazor component calls start() once and stop() when it goes away.
import { Device } from '@twilio/voice-sdk';

let device = null;
let dotNet = null;
let tokenEndpoint = null;
let incoming = null;
let active = null;

// Tells the component what changed; a closed circuit must not turn into an unhandled rejection here.
function notify(state, detail = null) {
    dotNet?.invokeMethodAsync('OnSoftphoneState', state, detail).catch(() => {});
}

async function fetchToken() {
    const response = await fetch(tokenEndpoint, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { Accept: 'application/json' },
    });
    if (!response.ok) {
        throw new Error(`Softphone token request failed with HTTP ${response.status}`);
    }
    const body = await response.json();
    return body.token;
}

function track(call) {
    // Hung up, declined, or cancelled by the caller while ringing: either way this call is over.
    const ended = () => {
        if (incoming !== call && active !== call) return;
        if (incoming === call) incoming = null;
        if (active === call) active = null;
        notify('disconnected');
    };
    call.on('accept', () => {
        incoming = null;
        active = call;
        notify('connected');
    });
    call.on('disconnect', ended);
    call.on('cancel', ended);
    call.on('reject', ended);
    call.on('error', (error) => notify('error', String(error?.code ?? error?.message ?? error)));
}

/** Fetches a token, registers the device for incoming calls and keeps the token fresh. */
export async function start(dotNetRef, tokenUrl) {
    stop();
    dotNet = dotNetRef;
    tokenEndpoint = tokenUrl;
    const token = await fetchToken();
    device = new Device(token, { closeProtection: true, codecPreferences: ['opus', 'pcmu'] });
    // The desk rings with its own Web Audio tone (ring.js); the SDK's sounds would be fetched from a CDN.
    device.audio.incoming(false);
    device.audio.outgoing(false);
    device.audio.disconnect(false);

    device.on('registered', () => notify('registered'));
    device.on('unregistered', () => notify('unregistered'));
    device.on('error', (error) => notify('error', String(error?.code ?? error?.message ?? error)));
    device.on('tokenWillExpire', async () => {
        try {
            device?.updateToken(await fetchToken());
        } catch (error) {
            notify('error', String(error?.message ?? error));
        }
    });
    device.on('incoming', (call) => {
        incoming = call;
        track(call);
        dotNet?.invokeMethodAsync('OnSoftphoneIncoming').catch(() => {});
    });

    await device.register();
}

/** Answers the ringing call; false when none is ringing. */
export function accept() {
    if (!incoming) return false;
    incoming.accept();
    return true;
}

/** Declines the ringing call; false when none is ringing. */
export function reject() {
    if (!incoming) return false;
    incoming.reject();
    incoming = null;
    return true;
}

export function mute(muted) {
    active?.mute(Boolean(muted));
}

/** Ends the call in progress, or declines the one ringing. */
export function hangUp() {
    if (active) {
        active.disconnect();
        return true;
    }
    return reject();
}

/** Unregisters and releases the device (page left, counsellor signed out). */
export function stop() {
    // Detach first: destroying the device emits events the component no longer wants.
    const old = device;
    device = null;
    dotNet = null;
    incoming = null;
    active = null;
    old?.destroy();
}
