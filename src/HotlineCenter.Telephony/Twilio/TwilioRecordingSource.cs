using HotlineCenter.Abstractions.Telephony;

namespace HotlineCenter.Telephony.Twilio;

/// <summary>
/// Recordings streamed from Twilio, and deleted there by the retention purge (<c>DELETE Recordings/{Sid}.json</c>; one Twilio
/// no longer has, a 404, is deleted already); a refusal surfaces with Twilio's status and code only.
/// </summary>
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

    public async Task DeleteAsync(string recordingId, CancellationToken cancellationToken)
    {
        try
        {
            await rest.DeleteRecordingAsync(recordingId, cancellationToken);
        }
        catch (TwilioApiException ex) when (ex.HttpStatus == 404)
        {
            // Twilio no longer has it: what the purge wanted.
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
