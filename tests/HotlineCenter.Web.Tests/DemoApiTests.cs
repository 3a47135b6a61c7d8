using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using HotlineCenter.Web.Tests.Fixtures;

namespace HotlineCenter.Web.Tests;

[Collection(SharedHostCollection.Name)]
public sealed class DemoApiTests(SharedHostFixture fixture)
{
    private HttpClient Client => fixture.Client;

    [Fact]
    public async Task Simulated_call_rings_a_counselor_who_accepts_ends_and_wraps_up_over_http()
    {
        await Client.PostAsJsonAsync("/api/counselors/c-huang/presence", new { state = "Available" });

        var placed = await Client.PostAsJsonAsync("/api/demo/calls", new { digits = "2" });
        Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        var callId = (await placed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("callId").GetString()!;

        var offered = await Eventually.MatchesAsync(() => GetJsonAsync($"/api/calls/{callId}"), c => c.GetProperty("status").GetString() == "Offered", "call offered");
        var counselorId = offered.GetProperty("counselorId").GetString()!;
        Assert.StartsWith("c-", counselorId);
        Assert.DoesNotContain("+86", offered.GetRawText().Replace(offered.GetProperty("maskedNumber").GetString()!, string.Empty));

        (await Client.PostAsJsonAsync($"/api/counselors/{counselorId}/accept", new { callId })).EnsureSuccessStatusCode();
        await Eventually.MatchesAsync(() => GetJsonAsync($"/api/calls/{callId}"), c => c.GetProperty("status").GetString() == "Connected", "call connected");
        (await Client.PostAsJsonAsync($"/api/counselors/{counselorId}/end", new { callId })).EnsureSuccessStatusCode();
        var done = await (await Client.PostAsync($"/api/counselors/{counselorId}/wrap-up/complete", null)).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal("Available", done.GetProperty("state").GetString());
        Assert.Equal("Ended", (await GetJsonAsync($"/api/calls/{callId}")).GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("/api/demo/calls", "{\"digits\":\"1a\"}", "digits")]
    [InlineData("/api/demo/calls", "{\"digits\":\"123456\"}", "digits")]
    [InlineData("/api/demo/calls", "{\"centreId\":\"Bad Centre!\"}", "centreId")]
    [InlineData("/api/demo/calls", "{not json", "not valid JSON")]
    [InlineData("/api/counselors/c-li/presence", "{\"state\":\"Dancing\"}", "state must be one of")]
    [InlineData("/api/counselors/c-li/presence", "{\"state\":\"5\"}", "state must be one of")]
    [InlineData("/api/counselors/c-li/accept", "{}", "callId is required")]
    [InlineData("/api/counselors/c-li/accept", "{\"callId\":\"../../etc\"}", "callId is required")]
    public async Task Bad_input_is_a_400_with_a_reason(string path, string body, string reason)
    {
        var response = await Client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reason, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Illegal_presence_change_is_a_409_and_leaves_the_counselor_as_they_were()
    {
        (await Client.PostAsJsonAsync("/api/counselors/c-yang/presence", new { state = "Training" })).EnsureSuccessStatusCode();

        var response = await Client.PostAsJsonAsync("/api/counselors/c-yang/presence", new { state = "OnCall" });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("presence.not-self-service", await response.Content.ReadAsStringAsync());
        var live = await GetJsonAsync("/api/centres/xa-12356/live");
        var yang = live.GetProperty("counselors").EnumerateArray().Single(c => c.GetProperty("counselorId").GetString() == "c-yang");
        Assert.Equal("Training", yang.GetProperty("state").GetString());
    }

    [Fact]
    public async Task Accepting_a_call_that_was_not_offered_is_a_409()
    {
        var response = await Client.PostAsJsonAsync("/api/counselors/c-liu/accept", new { callId = "CA0000000000" });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("offer.not-offered", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Unknown_call_and_unknown_centre_are_404s()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync("/api/calls/CAdoesnotexist")).StatusCode);

        var placed = await Client.PostAsJsonAsync("/api/demo/calls", new { centreId = "no-such-centre", digits = "1" });

        Assert.Equal(HttpStatusCode.NotFound, placed.StatusCode);
        Assert.Contains("centre.unknown", await placed.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Health_endpoints_report_live_and_ready()
    {
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync("/health/live")).StatusCode);
        var ready = await Client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());
    }

    private async Task<JsonElement> GetJsonAsync(string path) => await Client.GetFromJsonAsync<JsonElement>(path);
}
