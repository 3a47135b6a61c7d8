using HotlineCenter.Telephony;

namespace HotlineCenter.Web.Hosting;

public static class TelephonySetup
{
    public static WebApplicationBuilder AddHotlineTelephony(this WebApplicationBuilder builder)
    {
        builder.Services.AddHotlineTelephony(builder.Configuration);
        return builder;
    }
}
