using HotlineCenter.Abstractions.Accounts;
using HotlineCenter.Web.Audit;

namespace HotlineCenter.Web.Hosting;

public static class AuditSetup
{
    /// <summary>The auditor's console and API: the Auditor role only.</summary>
    public const string AuditorPolicy = "auditor";

    /// <summary>
    /// The web side of the audit trail: <see cref="IAuditTrail"/> per circuit or request (the grains, options and signer
    /// are registered with the silo), the auditor's console service and policy.
    /// </summary>
    public static WebApplicationBuilder AddHotlineAuditTrail(this WebApplicationBuilder builder)
    {
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped<AuditOrigin>();
        builder.Services.AddScoped<IAuditTrail, AuditTrail>();
        builder.Services.AddScoped<Consoles.AuditService>();
        builder.Services.AddAuthorizationBuilder().AddPolicy(AuditorPolicy, p => p.RequireRole(nameof(StaffRole.Auditor)));
        return builder;
    }
}
