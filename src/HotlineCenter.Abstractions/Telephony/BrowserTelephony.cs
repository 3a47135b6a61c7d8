namespace HotlineCenter.Abstractions.Telephony;

/// <summary>
/// Credentials for the browser softphone, where the provider offers one (Twilio's Voice SDK). Registered only
/// when the provider rings staff in the browser, so its absence means "answer on a phone".
/// </summary>
public interface ISoftphoneTokens
{
    /// <summary>How long an issued token is valid; the page renews it before then.</summary>
    TimeSpan Lifetime { get; }

    /// <summary>A short-lived token that lets the browser register as <paramref name="identity"/>.</summary>
    string Issue(string identity);

    /// <summary>
    /// Whether a supervisor's monitor, whisper, barge and take-over legs ring in their browser (the wallboard's softphone)
    /// rather than on a phone configured for them.
    /// </summary>
    bool RingsSupervisorInBrowser(string supervisorId) => true;
}

/// <summary>Call recordings held by the provider, streamed through the app so audio is never linked to directly.</summary>
public interface IRecordingSource
{
    /// <summary>The recording's audio (MP3); throws <see cref="TelephonyRefusedException"/> when the provider refuses.</summary>
    Task<Stream> OpenAsync(string recordingId, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the recording at the provider (the retention purge); one the provider no longer has counts as deleted.
    /// Throws <see cref="TelephonyRefusedException"/> when the provider refuses.
    /// </summary>
    Task DeleteAsync(string recordingId, CancellationToken cancellationToken);
}
