using HotlineCenter.Web.Tests.Fixtures;

namespace HotlineCenter.Web.Tests;

public sealed class StartupValidationTests
{
    [Fact]
    public async Task Twilio_mode_with_settings_missing_refuses_to_start_and_names_them()
    {
        await using var host = new HotlineHost(HotlineHost.NewServiceId(), settings: new Dictionary<string, string>
        {
            ["Telephony:Provider"] = "Twilio",
            ["Twilio:AccountSid"] = "AC0123456789abcdef0123456789abcdef",
        });

        var ex = Assert.ThrowsAny<Exception>(() => host.Server);

        var message = ex.ToString();
        Assert.Contains("Twilio:AuthToken", message);
        Assert.Contains("Twilio:PublicBaseUrl", message);
        Assert.DoesNotContain("Twilio:AccountSid must", message);
    }

    [Fact]
    public async Task Unknown_telephony_provider_refuses_to_start()
    {
        await using var host = new HotlineHost(HotlineHost.NewServiceId(), settings: new Dictionary<string, string> { ["Telephony:Provider"] = "Carrier-Pigeon" });

        var ex = Assert.ThrowsAny<Exception>(() => host.Server);

        Assert.Contains("Telephony:Provider 'Carrier-Pigeon' is unknown", ex.ToString());
    }
}
