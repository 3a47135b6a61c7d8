using HotlineCenter.Telephony;
using HotlineCenter.Telephony.Linkage;
using HotlineCenter.Telephony.Twilio;

namespace HotlineCenter.Web.Hosting;

public static class TelephonySetup
{
    public static WebApplicationBuilder AddHotlineTelephony(this WebApplicationBuilder builder)
    {
        builder.Services.AddHotlineTelephony(builder.Configuration);

        // Dispatch sheets (联动单) to 110/120 and green-channel hospitals go out through the same outside-world adapters.
        builder.Services.AddHotlineLinkage(builder.Configuration);
        return builder;
    }

    /// <summary>Twilio's webhooks, when Twilio is the provider (the simulated provider needs none).</summary>
    public static WebApplication MapTelephonyWebhooks(this WebApplication app)
    {
        if (TelephonyServiceCollectionExtensions.IsTwilio(app.Configuration))
        {
            app.MapTwilioWebhooks();
        }

        return app;
    }
}
