using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace HotlineCenter.TwilioSimulator;

/// <summary>A request the real Twilio would refuse, as the fake saw it.</summary>
public sealed record ContractViolation(string Method, string Path, string Reason)
{
    public override string ToString() => $"{Method} {Path}: {Reason}";
}

/// <summary>One parameter's schema from the description: a type with its format, enum, pattern and bounds.</summary>
public sealed record ParameterSchema(string? Type, string? Format, IReadOnlyList<string>? Enum, Regex? Pattern, int? MinLength, int? MaxLength, long? Minimum, long? Maximum, ParameterSchema? Items)
{
    public bool IsArray => Type == "array";
}

/// <summary>One operation of Twilio's REST API v2010 the app uses, as the OpenAPI subset describes it.</summary>
public sealed record TwilioOperation(
    string OperationId,
    string Method,
    string PathTemplate,
    IReadOnlyDictionary<string, ParameterSchema> PathParameters,
    IReadOnlyDictionary<string, ParameterSchema> QueryParameters,
    IReadOnlyDictionary<string, ParameterSchema> FormParameters,
    IReadOnlyList<string> Required,
    IReadOnlyList<int> SuccessStatus,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Documented)
{
    internal string[] Segments { get; } = PathTemplate.Trim('/').Split('/');
}

/// <summary>What checking one request found: the operation and its path values, or Twilio's refusal.</summary>
public sealed record ContractCheck(TwilioOperation? Operation, IReadOnlyDictionary<string, string> PathValues, int Status, int? Code, string? Reason)
{
    public bool Passed => Reason is null;
}

/// <summary>
/// Twilio's published OpenAPI description of the operations the app uses (Contract/twilio_api_v2010.subset.json,
/// embedded), and the check of a request against it: the path against the templates and their parameter patterns,
/// the method, every query and form parameter by name and schema, and the required ones. A request that passes is
/// one real Twilio would accept in shape; whether the resource exists is the fake's business, not the contract's.
/// </summary>
public sealed partial class TwilioContract
{
    private const string ResourceName = "HotlineCenter.TwilioSimulator.Contract.twilio_api_v2010.subset.json";

    private static readonly Lazy<TwilioContract> Shared = new(Load);

    private TwilioContract(string commit, IReadOnlyList<TwilioOperation> operations)
    {
        Commit = commit;
        Operations = operations;
    }

    /// <summary>The subset shipped with the simulator (read once).</summary>
    public static TwilioContract V2010 => Shared.Value;

    /// <summary>The twilio-oai commit the subset was extracted from.</summary>
    public string Commit { get; }

    public IReadOnlyList<TwilioOperation> Operations { get; }

    public TwilioOperation this[string operationId] => Operations.Single(o => o.OperationId == operationId);

    /// <summary>Checks one request. <paramref name="path"/> is the decoded path from <c>/2010-04-01/…</c>.</summary>
    public ContractCheck Check(string method, string path, IReadOnlyList<KeyValuePair<string, string>> query, IReadOnlyList<KeyValuePair<string, string>> form)
    {
        var segments = path.Trim('/').Split('/');
        var media = segments[^1].EndsWith(".mp3", StringComparison.Ordinal);
        if (media)
        {
            // The audio of a recording: the recording's URI with a media extension, not an operation of its own.
            segments[^1] = segments[^1][..^4] + ".json";
        }

        var byPath = Operations.Select(o => (Operation: o, Values: Match(o, segments))).Where(m => m.Values is not null).ToList();
        if (media)
        {
            byPath = [.. byPath.Where(m => m.Operation.OperationId == "FetchRecording")];
        }

        if (byPath.Count == 0)
        {
            return Refuse(null, 404, 20404, "no operation of the description has this path");
        }

        if (byPath.FirstOrDefault(m => m.Operation.Method == method) is not { Operation: { } operation, Values: { } values })
        {
            return Refuse(null, 405, 20004, $"{method} is not an operation of this path (only {string.Join(", ", byPath.Select(m => m.Operation.Method))})");
        }

        foreach (var (name, value) in values)
        {
            if (Invalid(operation.PathParameters[name], value) is { } why)
            {
                // Twilio routes by these patterns: a value that fails one is a resource that does not exist.
                return Refuse(operation, 404, 20404, $"path parameter {name} '{value}' {why}", values);
            }
        }

        if (CheckFields("query", query, operation.QueryParameters, NoDocumented) is { } badQuery)
        {
            return Refuse(operation, 400, 20001, badQuery, values);
        }

        if (method is "GET" or "DELETE" && form.Count > 0)
        {
            return Refuse(operation, 400, 20001, $"{method} takes no form body (sent {string.Join(", ", form.Select(f => f.Key).Distinct())})", values);
        }

        if (CheckFields("form", form, operation.FormParameters, operation.Documented) is { } badForm)
        {
            return Refuse(operation, 400, 20001, badForm, values);
        }

        foreach (var required in operation.Required)
        {
            if (!form.Any(f => f.Key == required))
            {
                var code = (operation.OperationId, required) switch
                {
                    ("CreateCall", "To") => 21201,
                    (_, "From") => 21603,
                    ("CreateParticipant", "To") => 21604,
                    _ => 20001,
                };
                return Refuse(operation, 400, code, $"required parameter {required} is missing", values);
            }
        }

        // Twilio's own rule beside the schema: a call needs instructions.
        if (operation.OperationId == "CreateCall" && !form.Any(f => f.Key is "Url" or "Twiml" or "ApplicationSid"))
        {
            return Refuse(operation, 400, 21205, "a call needs Url, Twiml or ApplicationSid", values);
        }

        return new ContractCheck(operation, values, 200, null, null);
    }

    private static readonly Dictionary<string, IReadOnlyList<string>> NoDocumented = [];

    private static ContractCheck Refuse(TwilioOperation? operation, int status, int code, string reason, IReadOnlyDictionary<string, string>? values = null) =>
        new(operation, values ?? new Dictionary<string, string>(), status, code, reason);

    private static Dictionary<string, string>? Match(TwilioOperation operation, string[] segments)
    {
        if (operation.Segments.Length != segments.Length)
        {
            return null;
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < segments.Length; i++)
        {
            var template = operation.Segments[i];
            var segment = segments[i];
            if (template.StartsWith('{'))
            {
                var close = template.IndexOf('}', StringComparison.Ordinal);
                var suffix = template[(close + 1)..];
                if (!segment.EndsWith(suffix, StringComparison.Ordinal) || segment.Length == suffix.Length)
                {
                    return null;
                }

                values[template[1..close]] = segment[..^suffix.Length];
            }
            else if (template != segment)
            {
                return null;
            }
        }

        return values;
    }

    private static string? CheckFields(
        string where,
        IReadOnlyList<KeyValuePair<string, string>> fields,
        IReadOnlyDictionary<string, ParameterSchema> schema,
        IReadOnlyDictionary<string, IReadOnlyList<string>> documented)
    {
        foreach (var group in fields.GroupBy(f => f.Key, StringComparer.Ordinal))
        {
            if (!schema.TryGetValue(group.Key, out var parameter))
            {
                return $"unknown {where} parameter {group.Key}";
            }

            var values = group.Select(f => f.Value).ToList();
            if (!parameter.IsArray && values.Count > 1)
            {
                return $"{where} parameter {group.Key} is not a list but was sent {values.Count} times";
            }

            foreach (var value in values)
            {
                if (Invalid(parameter.IsArray ? parameter.Items! : parameter, value) is { } why)
                {
                    return $"{where} parameter {group.Key} '{Shorten(value)}' {why}";
                }

                if (documented.GetValueOrDefault(group.Key) is { } allowed && !allowed.Contains(value, StringComparer.Ordinal))
                {
                    return $"{where} parameter {group.Key} '{Shorten(value)}' is not one of Twilio's documented values ({string.Join(" ", allowed)})";
                }
            }
        }

        return null;
    }

    /// <summary>Why a value does not fit its schema, or null when it does.</summary>
    private static string? Invalid(ParameterSchema schema, string value)
    {
        switch (schema.Type)
        {
            case "boolean" when value is not ("true" or "false"):
                return "is not true or false";
            case "integer":
                if (!long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
                {
                    return "is not an integer";
                }

                if (number < schema.Minimum || number > schema.Maximum)
                {
                    return $"is outside {schema.Minimum}..{schema.Maximum}";
                }

                break;
        }

        if (schema.Enum is { } options && !options.Contains(value, StringComparer.Ordinal))
        {
            return $"is not one of {string.Join(", ", options)}";
        }

        if (schema.Pattern is { } pattern && !pattern.IsMatch(value))
        {
            return $"does not match {pattern}";
        }

        if (value.Length < schema.MinLength || value.Length > schema.MaxLength)
        {
            return $"has {value.Length} characters, not {schema.MinLength}..{schema.MaxLength}";
        }

        return schema.Format switch
        {
            "uri" when !Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp) => "is not an absolute http(s) URI",
            "endpoint" when !Endpoint().IsMatch(value) => "is not a phone number (E.164), client: or sip: address",
            "date-time" when !DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out _) => "is not a date-time",
            "date" when !DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _) => "is not a date (yyyy-MM-dd)",
            _ => null,
        };
    }

    private static string Shorten(string value) => value.Length <= 60 ? value : value[..57] + "...";

    private static TwilioContract Load()
    {
        using var stream = typeof(TwilioContract).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"{ResourceName} is not embedded in the simulator.");
        using var json = JsonDocument.Parse(stream);
        var root = json.RootElement;
        var operations = new List<TwilioOperation>();
        foreach (var op in root.GetProperty("operations").EnumerateArray())
        {
            var id = op.GetProperty("operationId").GetString()!;
            operations.Add(new TwilioOperation(
                id,
                op.GetProperty("method").GetString()!,
                op.GetProperty("path").GetString()!,
                Parameters(op.GetProperty("pathParameters")),
                Parameters(op.GetProperty("queryParameters")),
                Parameters(op.GetProperty("formParameters")),
                [.. op.GetProperty("required").EnumerateArray().Select(r => r.GetString()!)],
                [.. op.GetProperty("successStatus").EnumerateArray().Select(s => s.GetInt32())],
                op.TryGetProperty("documented", out var documented)
                    ? documented.EnumerateObject().ToDictionary(p => p.Name, p => (IReadOnlyList<string>)[.. p.Value.EnumerateArray().Select(v => v.GetString()!)], StringComparer.Ordinal)
                    : new Dictionary<string, IReadOnlyList<string>>()));
        }

        return new TwilioContract(root.GetProperty("source").GetProperty("commit").GetString()!, operations);
    }

    private static Dictionary<string, ParameterSchema> Parameters(JsonElement element) =>
        element.EnumerateObject().ToDictionary(p => p.Name, p => Schema(p.Value), StringComparer.Ordinal);

    private static ParameterSchema Schema(JsonElement s)
    {
        string? Text(string name) => s.TryGetProperty(name, out var v) ? v.GetString() : null;
        int? Int(string name) => s.TryGetProperty(name, out var v) ? v.GetInt32() : null;
        long? Long(string name) => s.TryGetProperty(name, out var v) ? v.GetInt64() : null;
        return new ParameterSchema(
            Text("type"),
            Text("format"),
            s.TryGetProperty("enum", out var e) ? [.. e.EnumerateArray().Select(v => v.GetString()!)] : null,
            Text("pattern") is { } p ? new Regex(p, RegexOptions.CultureInvariant) : null,
            Int("minLength"),
            Int("maxLength"),
            Long("minimum"),
            Long("maximum"),
            s.TryGetProperty("items", out var items) ? Schema(items) : null);
    }

    [GeneratedRegex(@"^(\+[1-9][0-9]{1,14}|client:[A-Za-z0-9_.\-]{1,121}|sip:\S+)$")]
    private static partial Regex Endpoint();
}
