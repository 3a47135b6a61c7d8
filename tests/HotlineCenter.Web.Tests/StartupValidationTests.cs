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

    [Fact]
    public async Task Demo_outside_development_refuses_to_start_unless_acknowledged_and_never_with_the_published_password()
    {
        // The host runs as Production: the fixture's own acknowledgement and password are taken away here.
        await using var unacknowledged = new HotlineHost(HotlineHost.NewServiceId(), settings: new Dictionary<string, string> { ["Demo:NotForRealCallers"] = "false" });
        await using var published = new HotlineHost(HotlineHost.NewServiceId(), settings: new Dictionary<string, string> { ["Demo:Password"] = "hotline-12356" });

        var refused = Assert.ThrowsAny<Exception>(() => unacknowledged.Server).ToString();
        var known = Assert.ThrowsAny<Exception>(() => published.Server).ToString();

        Assert.Contains("Demo:NotForRealCallers=true", refused);
        Assert.Contains("not the published demo password", known);
    }
}

public sealed class AdminBootstrapTests
{
    [Fact]
    public async Task Fresh_deployment_gets_its_first_administrator_and_a_restart_changes_nothing()
    {
        var serviceId = HotlineHost.NewServiceId();
        var settings = new Dictionary<string, string> { ["Auth:BootstrapAdminPassword"] = "first-admin-password", ["Auth:BootstrapCentreId"] = "xa-12356" };
        await using (var first = new HotlineHost(serviceId, seedDemo: false, settings: settings))
        {
            using var client = first.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
            await SignIn.AsAsync(client, "admin", "first-admin-password");
        }

        await using var second = new HotlineHost(serviceId, seedDemo: false, settings: new Dictionary<string, string>(settings) { ["Auth:BootstrapAdminPassword"] = "another-password-123" });
        using var again = second.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        await SignIn.AsAsync(again, "admin", "first-admin-password");
        var view = await second.Grains.GetGrain<HotlineCenter.Abstractions.Accounts.IUserAccountGrain>("admin").GetAsync();
        Assert.Equal([HotlineCenter.Abstractions.Accounts.StaffRole.Admin, HotlineCenter.Abstractions.Accounts.StaffRole.Provincial], view!.Roles.AsEnumerable());
    }
}
