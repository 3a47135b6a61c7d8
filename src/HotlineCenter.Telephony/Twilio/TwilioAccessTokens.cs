using System.Security.Claims;
using System.Text;
using HotlineCenter.Abstractions.Telephony;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace HotlineCenter.Telephony.Twilio;

/// <summary>
/// Issues the short-lived access token the Twilio Voice JavaScript SDK needs: a JWT signed (HS256) with the
/// API key secret, issued by the API key for the account, carrying a voice grant for the counsellor's
/// client identity (incoming calls allowed; outgoing through the TwiML app when one is configured).
/// </summary>
public sealed class TwilioAccessTokens(IOptions<TwilioOptions> options, TimeProvider time) : ISoftphoneTokens
{
    public static readonly TimeSpan TokenLifetime = TimeSpan.FromHours(1);

    public TimeSpan Lifetime => TokenLifetime;

    /// <summary>Supervisors with a number in <c>Twilio:SupervisorPhones</c> are rung there instead.</summary>
    public bool RingsSupervisorInBrowser(string supervisorId) => !options.Value.SupervisorPhones.ContainsKey(supervisorId);

    public string Issue(string identity)
    {
        if (string.IsNullOrWhiteSpace(identity) || identity.Length > 121)
        {
            throw new ArgumentException("A client identity of 1–121 characters is required.", nameof(identity));
        }

        var o = options.Value;
        var now = time.GetUtcNow();
        var voice = new Dictionary<string, object> { ["incoming"] = new Dictionary<string, object> { ["allow"] = true } };
        if (o.TwimlAppSid is { Length: > 0 } app)
        {
            voice["outgoing"] = new Dictionary<string, object> { ["application_sid"] = app };
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = o.ApiKeySid,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + TokenLifetime).UtcDateTime,
            Subject = new ClaimsIdentity([new Claim("sub", o.AccountSid)]),
            Claims = new Dictionary<string, object>
            {
                ["jti"] = $"{o.ApiKeySid}-{now.ToUnixTimeSeconds()}-{Guid.NewGuid():N}",
                ["grants"] = new Dictionary<string, object> { ["identity"] = identity, ["voice"] = voice },
            },
            AdditionalHeaderClaims = new Dictionary<string, object> { ["cty"] = "twilio-fpa;v=1" },
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(o.ApiKeySecret)), SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }
}
