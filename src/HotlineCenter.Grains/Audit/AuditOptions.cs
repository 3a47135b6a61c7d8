using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HotlineCenter.Grains.Audit;

/// <summary>Section <c>Audit</c>: retention, segment size and the key that signs checkpoints and seals.</summary>
public sealed class AuditOptions
{
    /// <summary>Audit logs are kept at least six months (Cybersecurity Law art. 21, MLPS level 3): 183 days is the floor.</summary>
    public const int MinimumRetentionDays = 183;

    /// <summary>How long entries are kept; whole segments older than this are dropped (default 190 days).</summary>
    public int RetentionDays { get; set; } = 190;

    /// <summary>
    /// Entries per segment. Each append rewrites its segment's stored value, so the size bounds both the largest value
    /// and the bytes written per entry (about 200 bytes an entry: ~50 KB on average at 500).
    /// </summary>
    public int SegmentSize { get; set; } = 500;

    /// <summary>How often the purge reminder fires (Orleans reminders fire at most once a minute).</summary>
    public TimeSpan PurgeInterval { get; set; } = TimeSpan.FromHours(6);

    /// <summary>The HMAC-SHA256 key that signs checkpoints and segment seals (at least 32 characters; never committed).</summary>
    public string CheckpointKey { get; set; } = string.Empty;

    /// <summary>Keys no longer used to sign but still trusted to verify what they signed (after a rotation).</summary>
    public List<string> RetiredCheckpointKeys { get; set; } = [];

    internal IEnumerable<string> Problems()
    {
        if (RetentionDays < MinimumRetentionDays)
        {
            yield return $"Audit:RetentionDays is {RetentionDays}, but audit logs must be kept at least six months: set {MinimumRetentionDays} or more (default 190).";
        }

        if (RetentionDays > 3650)
        {
            yield return $"Audit:RetentionDays is {RetentionDays}; at most 3650 (ten years).";
        }

        if (SegmentSize is < 2 or > 10_000)
        {
            yield return $"Audit:SegmentSize is {SegmentSize}; use 2–10000 entries per segment (default 500).";
        }

        if (PurgeInterval < TimeSpan.FromMinutes(1) || PurgeInterval > TimeSpan.FromDays(1))
        {
            yield return "Audit:PurgeInterval must be between 00:01:00 and 1.00:00:00.";
        }

        if (CheckpointKey.Length < 32)
        {
            yield return "Audit:CheckpointKey must be set to a secret of at least 32 characters: it signs the audit trail's checkpoints and sealed segments (ops/run.sh makes one in .data/audit-checkpoint.key).";
        }
    }
}

public static class AuditServiceCollectionExtensions
{
    /// <summary>The audit trail's options (validated at start-up: a retention under six months refuses to start) and its signer.</summary>
    public static IServiceCollection AddHotlineAudit(this IServiceCollection services, IConfiguration? audit = null)
    {
        var options = services.AddOptions<AuditOptions>();
        if (audit is not null)
        {
            options.Bind(audit);
        }

        services.AddSingleton<IValidateOptions<AuditOptions>, AuditOptionsValidator>();
        options.ValidateOnStart();
        services.AddSingleton(sp => new AuditSigner(sp.GetRequiredService<IOptions<AuditOptions>>().Value));
        return services;
    }

    private sealed class AuditOptionsValidator : IValidateOptions<AuditOptions>
    {
        public ValidateOptionsResult Validate(string? name, AuditOptions options) =>
            options.Problems().ToList() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
    }
}
