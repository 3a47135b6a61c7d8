using System.Diagnostics;
using HotlineCenter.Telephony.Twilio;
using Microsoft.Extensions.Configuration;
using YamlDotNet.RepresentationModel;

namespace HotlineCenter.Telephony.Tests;

/// <summary>
/// docker-compose.yml runs real calls: the Twilio provider with every setting from the environment. Rendered by Debian's
/// docker-compose (no engine needed) and read back, each web node's environment must be a Twilio configuration the host
/// accepts, and a missing Twilio secret must stop the rendering naming it.
/// </summary>
public sealed class DeploymentComposeTests
{
    private static readonly Dictionary<string, string> Environment = new()
    {
        ["HOTLINE_CALLER_HASH_KEY"] = "compose-test-hash-0123456789-0123456789",
        ["HOTLINE_NUMBER_KEY"] = "compose-test-number-key-0123456789-0123456789",
        ["HOTLINE_REDIS_PASSWORD"] = "compose-test-redis-password-0123456789",
        ["HOTLINE_DP_KEK"] = Convert.ToBase64String(new byte[32]),
        ["HOTLINE_TLS_DIR"] = "/etc/ssl/hotline",
        ["HOTLINE_AUDIT_KEY"] = "compose-test-audit-0123456789-0123456789",
        ["HOTLINE_ADMIN_PASSWORD"] = "compose-test-password",
        ["HOTLINE_TWILIO_ACCOUNT_SID"] = "AC" + new string('a', 32),
        ["HOTLINE_TWILIO_AUTH_TOKEN"] = "compose-test-auth-token-0123456789",
        ["HOTLINE_TWILIO_API_KEY_SID"] = "SK" + new string('b', 32),
        ["HOTLINE_TWILIO_API_KEY_SECRET"] = "compose-test-api-key-secret-012345",
        ["HOTLINE_PHONE_NUMBER"] = "+862912356",
        ["HOTLINE_PUBLIC_URL"] = "https://hotline.example.cn",
        ["HOTLINE_FALLBACK_NUMBER"] = "+862912320",
    };

    [Theory]
    [InlineData("web1")]
    [InlineData("web2")]
    public void Every_web_node_runs_the_twilio_provider_with_settings_the_host_accepts(string service)
    {
        var (exit, output, error) = Render(Environment);
        Assert.True(exit == 0, error);

        var settings = WebEnvironment(output, service);
        Assert.Equal("Twilio", settings["Telephony:Provider"]);
        var options = new ConfigurationBuilder().AddInMemoryCollection(settings!).Build().GetSection("Twilio").Get<TwilioOptions>()!;
        Assert.Empty(options.Problems());
        Assert.Equal(Environment["HOTLINE_TWILIO_ACCOUNT_SID"], options.AccountSid);
        Assert.Equal(Environment["HOTLINE_PUBLIC_URL"], options.PublicBaseUrl);
        Assert.Equal(Environment["HOTLINE_FALLBACK_NUMBER"], options.FallbackNumber);
        Assert.Equal("xa-12356", options.DefaultCentreId);
        Assert.Equal("false", settings["Demo:Enabled"]);
    }

    [Theory]
    [InlineData("HOTLINE_TWILIO_ACCOUNT_SID")]
    [InlineData("HOTLINE_TWILIO_AUTH_TOKEN")]
    [InlineData("HOTLINE_TWILIO_API_KEY_SECRET")]
    [InlineData("HOTLINE_PUBLIC_URL")]
    [InlineData("HOTLINE_FALLBACK_NUMBER")]
    public void A_missing_twilio_setting_stops_the_deployment_naming_it(string missing)
    {
        var environment = new Dictionary<string, string>(Environment);
        environment.Remove(missing);

        var (exit, _, error) = Render(environment);

        Assert.NotEqual(0, exit);
        Assert.Contains(missing, error, StringComparison.Ordinal);
    }

    private static Dictionary<string, string?> WebEnvironment(string yaml, string service)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        var node = (YamlMappingNode)((YamlMappingNode)root.Children[new YamlScalarNode("services")]).Children[new YamlScalarNode(service)];
        var environment = (YamlMappingNode)node.Children[new YamlScalarNode("environment")];
        return environment.Children.ToDictionary(
            e => ((YamlScalarNode)e.Key).Value!.Replace("__", ":", StringComparison.Ordinal),
            e => ((YamlScalarNode)e.Value).Value);
    }

    private static (int Exit, string Output, string Error) Render(IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("docker-compose")
        {
            ArgumentList = { "-f", Path.Combine(RepositoryRoot(), "docker-compose.yml"), "config" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("HOTLINE_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, output.Result, error.Result);
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "HotlineCenter.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("HotlineCenter.sln not found above the test's folder");
    }
}
