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
        "/culture",                         // language cookie only
        "/login", "/account/login",         // signing in
        "/error",                           // the error page
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
