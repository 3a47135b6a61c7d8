using System.Reflection;
using HotlineCenter.Web.Live;
using HotlineCenter.Web.Tests.Fixtures;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace HotlineCenter.Web.Tests;

/// <summary>Every endpoint is behind a role unless it is on this short, reviewed list of public ones.</summary>
[Collection(SharedHostCollection.Name)]
public sealed class EndpointAuthorizationTests(SharedHostFixture fixture)
{
    private static readonly HashSet<string> PublicByDesign = new(StringComparer.Ordinal)
    {
        "/health/live", "/health/ready",   // probes for the proxy and orchestrator
        "/metrics",                        // Prometheus scrape: answered only to Metrics:AllowedNetworks (MetricsTests)
        "/culture",                         // language cookie only
        "/login", "/account/login",         // signing in
        "/error", "/status/{Code:int}",     // the error and status pages (no data)
    };

    [Fact]
    public void No_endpoint_is_reachable_without_a_role_unless_it_is_public_by_design()
    {
        var endpoints = fixture.Host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        Assert.NotEmpty(endpoints);

        var open = endpoints
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is not null || e.Metadata.GetOrderedMetadata<IAuthorizeData>().Count == 0)
            .Select(e => "/" + (e.RoutePattern.RawText ?? string.Empty).TrimStart('/'))
            .Where(p => !IsStaticFile(p) && !p.StartsWith("/_blazor", StringComparison.Ordinal) && !p.StartsWith("/_framework", StringComparison.Ordinal))
            .Distinct()
            .ToList();

        Assert.All(open, p => Assert.Contains(p, PublicByDesign));
    }

    private const string Sup = "Supervisor,Admin";

    /// <summary>
    /// Who may reach each protected endpoint. A new endpoint fails the test until it is added here with its roles,
    /// so nobody ships a page or API with the wrong (or no) role check by accident.
    /// </summary>
    private static readonly Dictionary<string, string> ExpectedRoles = new(StringComparer.Ordinal)
    {
        ["/"] = Sup,
        ["/handover"] = Sup,
        ["/crisis"] = Sup,
        ["/crisis/{CaseId}/sheet/{ActionId}"] = Sup,
        ["/admin"] = "Admin",
        ["/desk"] = "Counselor",
        ["/audit"] = "Auditor",
        ["/api/audit/{chainId}/entries.csv"] = "Auditor",
        ["/denied"] = "*",   // any signed-in user: the "not for your role" page
        ["/account/logout"] = "*",
        ["/api/softphone/token"] = "Counselor",
        // Call content is the supervisor's only: the administrator (the IT role) configures, it does not listen in.
        ["/api/calls/{callId}/recordings/{recordingSid}"] = "Supervisor",
        ["/api/calls/{callId}/supervise"] = "Supervisor",
        ["/api/demo/calls"] = Sup,
        ["/api/demo/calls/{callId}/hangup"] = Sup,
        ["/api/calls/{callId}"] = Sup,
        ["/api/centres/{centreId}/live"] = Sup,
        ["/api/counselors/{counselorId}/presence"] = Sup,
        ["/api/counselors/{counselorId}/accept"] = Sup,
        ["/api/counselors/{counselorId}/decline"] = Sup,
        ["/api/counselors/{counselorId}/end"] = Sup,
        ["/api/counselors/{counselorId}/wrap-up/complete"] = Sup,
        ["/hubs/live"] = Sup,
        ["/hubs/live/negotiate"] = Sup,
        ["/reports"] = Sup,
        ["/province"] = "Provincial",
        ["/api/reports/report.xlsx"] = Sup,
        ["/api/reports/report.csv"] = Sup,
        ["/api/reports/daily/{centreId}/{day}.xlsx"] = Sup,
    };

    [Fact]
    public async Task Every_protected_endpoint_requires_exactly_its_listed_roles()
    {
        var policies = fixture.Host.Services.GetRequiredService<IAuthorizationPolicyProvider>();
        var endpoints = fixture.Host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetOrderedMetadata<IAuthorizeData>().Count > 0 && e.Metadata.GetMetadata<IAllowAnonymous>() is null)
            .ToList();
        Assert.NotEmpty(endpoints);

        var actual = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var e in endpoints)
        {
            var policy = await AuthorizationPolicy.CombineAsync(policies, e.Metadata.GetOrderedMetadata<IAuthorizeData>());
            var roles = policy!.Requirements.OfType<Microsoft.AspNetCore.Authorization.Infrastructure.RolesAuthorizationRequirement>()
                .SelectMany(r => r.AllowedRoles).Order(StringComparer.Ordinal).ToList();
            actual["/" + (e.RoutePattern.RawText ?? string.Empty).TrimStart('/')] = roles.Count == 0 ? "*" : string.Join(",", roles);
        }

        foreach (var (path, roles) in actual)
        {
            Assert.True(ExpectedRoles.TryGetValue(path, out var expected), $"{path} is not in the role table (roles: {roles})");
            Assert.True(Normalize(expected) == roles, $"{path} requires {roles}, the table says {expected}");
        }
    }

    [Theory]
    [InlineData("s-zhou")]
    [InlineData("admin")]
    [InlineData("c-wang")]
    [InlineData("auditor")]
    public async Task Each_page_opens_for_its_roles_and_sends_everyone_else_to_denied(string username)
    {
        using var client = fixture.Host.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await SignIn.AsAsync(client, username);
        var account = (await fixture.Host.Grains.GetGrain<HotlineCenter.Abstractions.Accounts.IUserAccountGrain>(username).GetAsync())!;

        foreach (var page in new[] { "/", "/handover", "/crisis", "/admin", "/desk", "/audit" })
        {
            var allowed = ExpectedRoles[page].Split(',').Any(r => account.Roles.Any(a => a.ToString() == r));
            var response = await client.GetAsync(page);

            Assert.True(allowed ? response.StatusCode == System.Net.HttpStatusCode.OK : response.Headers.Location?.ToString().Contains("/denied", StringComparison.Ordinal) == true,
                $"{username} on {page}: {(int)response.StatusCode} {response.Headers.Location}");
        }
    }

    private static string Normalize(string roles) => roles == "*" ? "*" : string.Join(",", roles.Split(',').Order(StringComparer.Ordinal));

    [Fact]
    public void Live_hub_requires_a_supervisor_for_every_method()
    {
        var attribute = typeof(LiveHub).GetCustomAttribute<AuthorizeAttribute>();

        Assert.NotNull(attribute);
        Assert.Equal(HotlineCenter.Web.Hosting.AuthSetup.SupervisorPolicy, attribute.Policy);
        Assert.DoesNotContain(
            typeof(LiveHub).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly),
            m => m.GetCustomAttribute<AllowAnonymousAttribute>() is not null);
    }

    [Theory]
    [InlineData("/", "c-wang", 302)]
    [InlineData("/desk", "s-zhou", 302)]
    [InlineData("/desk", "auditor", 302)]
    [InlineData("/api/centres/xa-12356/live", "auditor", 403)]
    [InlineData("/api/calls/CA1", "c-wang", 403)]
    public async Task Each_role_is_kept_out_of_the_others_pages_and_api(string path, string username, int status)
    {
        using var client = fixture.Host.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await SignIn.AsAsync(client, username);

        var response = await client.GetAsync(path);

        Assert.Equal(status, (int)response.StatusCode);
        if (status == 302)
        {
            Assert.Contains("/denied", response.Headers.Location!.ToString());
        }
    }

    private static bool IsStaticFile(string pattern) =>
        System.IO.Path.HasExtension(pattern.Split('{')[0]) || pattern.StartsWith("/_content", StringComparison.Ordinal) || pattern.Contains(":file}", StringComparison.Ordinal);
}
