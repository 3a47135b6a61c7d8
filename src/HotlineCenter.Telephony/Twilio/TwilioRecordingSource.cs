using HotlineCenter.Abstractions.Telephony;

namespace HotlineCenter.Telephony.Twilio;

/// <summary>Recordings streamed from Twilio; a refusal surfaces with Twilio's status only.</summary>
public sealed class TwilioRecordingSource(TwilioRestClient rest) : IRecordingSource
{
    public async Task<Stream> OpenAsync(string recordingId, CancellationToken cancellationToken)
    {
        try
        {
            return await rest.OpenRecordingAsync(recordingId, cancellationToken);
        }
        catch (TwilioApiException ex)
        {
            throw TwilioRefusal.From(ex);
        }
        catch (HttpRequestException ex)
        {
            throw new TelephonyRefusedException("twilio", null, 0, ex);
        }
    }
}

/// <summary>Turns Twilio's own exception into the provider-neutral refusal the consoles and APIs handle.</summary>
public static class TwilioRefusal
{
    public static TelephonyRefusedException From(TwilioApiException ex) =>
        new("twilio", ex.Code?.ToString(System.Globalization.CultureInfo.InvariantCulture), ex.HttpStatus, ex);
}
