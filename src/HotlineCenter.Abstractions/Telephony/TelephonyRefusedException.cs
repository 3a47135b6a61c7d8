namespace HotlineCenter.Abstractions.Telephony;

/// <summary>
/// The telephony provider refused or could not carry out a request (a supervisor's barge, a counsellor's hold).
/// Provider-neutral so consoles and APIs never name a provider's exception type. It carries the provider's
/// error code and HTTP status only: providers' messages can quote the number dialled.
/// </summary>
[GenerateSerializer]
[Alias("hotline.telephony-refused")]
public sealed class TelephonyRefusedException : Exception
{
    public TelephonyRefusedException(string provider, string? providerCode, int status, Exception? innerException = null)
        : base($"{provider} refused the request: error {providerCode ?? "-"}, HTTP {status}.", innerException)
    {
        Provider = provider;
        ProviderCode = providerCode;
        Status = status;
    }

    /// <summary>The adapter's short name, e.g. <c>twilio</c>.</summary>
    [Id(0)]
    public string Provider { get; }

    /// <summary>The provider's own error code (Twilio's numeric code), when it gave one.</summary>
    [Id(1)]
    public string? ProviderCode { get; }

    /// <summary>The HTTP status the provider answered; 0 when it could not be reached.</summary>
    [Id(2)]
    public int Status { get; }

    /// <summary>True when the request conflicts with the call's state at the provider (the leg is gone, not yet there).</summary>
    public bool IsConflict => Status is 404 or 409;
}
