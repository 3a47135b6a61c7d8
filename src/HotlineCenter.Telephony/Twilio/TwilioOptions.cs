using System.Text.RegularExpressions;

namespace HotlineCenter.Telephony.Twilio;

/// <summary>Section <c>Twilio</c>: the account and numbers HotlineCenter answers on.</summary>
public sealed partial class TwilioOptions
{
    /// <summary>Account SID, <c>AC</c> + 32 hex characters.</summary>
    public string AccountSid { get; set; } = string.Empty;

    /// <summary>Auth token: signs webhooks and authenticates REST calls. Never logged.</summary>
    public string AuthToken { get; set; } = string.Empty;

    /// <summary>API key SID (<c>SK…</c>) and secret that sign the browser softphone's access tokens.</summary>
    public string ApiKeySid { get; set; } = string.Empty;

    public string ApiKeySecret { get; set; } = string.Empty;

    /// <summary>TwiML application the softphone's outgoing calls use (<c>AP…</c>); optional.</summary>
    public string? TwimlAppSid { get; set; }

    /// <summary>The hotline's number in E.164, used as caller id for counsellor legs and callbacks.</summary>
    public string PhoneNumber { get; set; } = string.Empty;

    /// <summary>
    /// The public base URL Twilio calls (e.g. <c>https://hotline.example.cn</c>). Signatures are checked
    /// against it, not against the Host header, so a proxy cannot make valid requests look invalid.
    /// </summary>
    public string PublicBaseUrl { get; set; } = string.Empty;

    /// <summary>REST API base; tests and the simulator point it at a loopback fake.</summary>
    public string ApiBaseUrl { get; set; } = "https://api.twilio.com";

    /// <summary>Backup line or provincial centre the fallback URL dials when the main path fails.</summary>
    public string FallbackNumber { get; set; } = string.Empty;

    /// <summary>Which centre answers calls to which number (E.164 → centre id); others go to <see cref="DefaultCentreId"/>.</summary>
    public Dictionary<string, string> CentreByNumber { get; set; } = [];

    public string DefaultCentreId { get; set; } = string.Empty;

    /// <summary>
    /// Supervisors rung on a phone for monitor, whisper, barge and take-over (supervisor id → E.164); the others are rung
    /// in the wallboard's browser softphone as <c>client:&lt;supervisor id&gt;</c>.
    /// </summary>
    public Dictionary<string, string> SupervisorPhones { get; set; } = [];

    /// <summary>
    /// How long a voice webhook waits for the grains before it answers the fallback TwiML (the backup line) instead: Redis
    /// or a silo being down must not keep a caller in silence until Twilio's own 15 s timeout. 0.2–10 s.
    /// </summary>
    public TimeSpan VoiceWebhookTimeout { get; set; } = TimeSpan.FromSeconds(1.5);

    /// <summary>Development only: accept unsigned webhooks from loopback. Off by default; refused outside Development.</summary>
    public bool AllowUnsignedLoopback { get; set; }

    /// <summary>Every problem with these settings, naming the setting; empty when usable.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (!AccountSidPattern().IsMatch(AccountSid))
        {
            problems.Add("Twilio:AccountSid must be AC followed by 32 hex characters");
        }

        if (AuthToken.Length < 16)
        {
            problems.Add("Twilio:AuthToken is required");
        }

        if (!ApiKeyPattern().IsMatch(ApiKeySid))
        {
            problems.Add("Twilio:ApiKeySid must be SK followed by 32 hex characters");
        }

        if (ApiKeySecret.Length < 32)
        {
            problems.Add("Twilio:ApiKeySecret is required (Twilio API key secrets are 32 characters)");
        }

        if (!E164().IsMatch(PhoneNumber))
        {
            problems.Add("Twilio:PhoneNumber must be an E.164 number such as +862912356");
        }

        if (!E164().IsMatch(FallbackNumber))
        {
            problems.Add("Twilio:FallbackNumber must be an E.164 number (the backup line the fallback URL dials)");
        }

        if (!Uri.TryCreate(PublicBaseUrl, UriKind.Absolute, out var publicUrl) || (publicUrl.Scheme != Uri.UriSchemeHttps && !publicUrl.IsLoopback))
        {
            problems.Add("Twilio:PublicBaseUrl must be the absolute https URL Twilio calls");
        }

        if (!Uri.TryCreate(ApiBaseUrl, UriKind.Absolute, out var apiUrl) || (apiUrl.Scheme != Uri.UriSchemeHttps && !apiUrl.IsLoopback))
        {
            problems.Add("Twilio:ApiBaseUrl must be an absolute https URL");
        }

        foreach (var (supervisor, phone) in SupervisorPhones)
        {
            if (!E164().IsMatch(phone ?? string.Empty))
            {
                problems.Add($"Twilio:SupervisorPhones:{supervisor} must be an E.164 number");
            }
        }

        if (VoiceWebhookTimeout < TimeSpan.FromSeconds(0.2) || VoiceWebhookTimeout > TimeSpan.FromSeconds(10))
        {
            problems.Add("Twilio:VoiceWebhookTimeout must be between 0.2 and 10 seconds (Twilio gives up after 15)");
        }

        if (string.IsNullOrWhiteSpace(DefaultCentreId) && CentreByNumber.Count == 0)
        {
            problems.Add("Twilio:DefaultCentreId or Twilio:CentreByNumber must say which centre answers");
        }

        return problems;
    }

    [GeneratedRegex("^AC[0-9a-fA-F]{32}$")]
    private static partial Regex AccountSidPattern();

    [GeneratedRegex("^SK[0-9a-fA-F]{32}$")]
    private static partial Regex ApiKeyPattern();

    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$")]
    private static partial Regex E164();
}
