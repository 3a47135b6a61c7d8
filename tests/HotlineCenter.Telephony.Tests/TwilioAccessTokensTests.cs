using System.Text;
using System.Text.Json;
using HotlineCenter.Telephony.Twilio;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace HotlineCenter.Telephony.Tests;

public sealed class TwilioAccessTokensTests
{
    private static readonly TwilioOptions Options = new()
    {
        AccountSid = "AC" + new string('a', 32),
        ApiKeySid = "SK" + new string('b', 32),
        ApiKeySecret = "secret-0123456789-0123456789-0123",
        TwimlAppSid = "AP" + new string('c', 32),
    };

    [Fact]
    public async Task Token_is_signed_with_the_api_key_secret_and_carries_a_voice_grant_for_the_counselor()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 8, 0, 0, TimeSpan.Zero));
        var token = new TwilioAccessTokens(Microsoft.Extensions.Options.Options.Create(Options), clock).Issue("c-wang");

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = Options.ApiKeySid,
            ValidateAudience = false,
            IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(Options.ApiKeySecret)),
            LifetimeValidator = (_, _, _, _) => true,
        });

        Assert.True(result.IsValid, result.Exception?.Message);
        var jwt = (JsonWebToken)result.SecurityToken;
        Assert.Equal("twilio-fpa;v=1", jwt.GetHeaderValue<string>("cty"));
        Assert.Equal(Options.AccountSid, jwt.Subject);
        Assert.Equal(clock.GetUtcNow().AddHours(1).ToUnixTimeSeconds(), jwt.GetPayloadValue<long>("exp"));
        var grants = JsonDocument.Parse(Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(token.Split('.')[1]))).RootElement.GetProperty("grants");
        Assert.Equal("c-wang", grants.GetProperty("identity").GetString());
        Assert.True(grants.GetProperty("voice").GetProperty("incoming").GetProperty("allow").GetBoolean());
        Assert.Equal(Options.TwimlAppSid, grants.GetProperty("voice").GetProperty("outgoing").GetProperty("application_sid").GetString());
    }

    [Fact]
    public async Task Token_signed_with_another_secret_does_not_validate()
    {
        var token = new TwilioAccessTokens(Microsoft.Extensions.Options.Options.Create(Options), TimeProvider.System).Issue("c-li");

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = Options.ApiKeySid,
            ValidateAudience = false,
            IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes("another-secret-0123456789-0123456")),
        });

        Assert.False(result.IsValid);
    }

    [Fact]
    public void Missing_settings_are_named()
    {
        var problems = new TwilioOptions().Problems();

        Assert.Contains(problems, p => p.StartsWith("Twilio:AccountSid", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Twilio:AuthToken", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Twilio:PublicBaseUrl", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Twilio:FallbackNumber", StringComparison.Ordinal));
        Assert.Empty(new TwilioOptions
        {
            AccountSid = Options.AccountSid, AuthToken = "token-0123456789abcdef", ApiKeySid = Options.ApiKeySid, ApiKeySecret = Options.ApiKeySecret,
            PhoneNumber = "+862912356", FallbackNumber = "+862988888888", PublicBaseUrl = "https://hotline.example.cn", DefaultCentreId = "xa-12356",
        }.Problems());
    }
}
