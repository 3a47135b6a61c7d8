using PhoneNumbers;

namespace HotlineCenter.Telephony.Identity;

/// <summary>
/// Where a number is registered, from libphonenumber's offline geocoder (its data ships inside the package: no
/// network): 陕西省西安市 for a Xi'an mobile or landline, 北京市, 美国 for a US number. Read while the adapter still
/// has the number, so the call can count its caller local or out-of-area; the number itself goes no further.
/// </summary>
public static class NumberRegions
{
    private static readonly Locale Chinese = new("zh", "CN");

    /// <summary>The Chinese description of an E.164 number's region; null for a number the geocoder cannot place.</summary>
    public static string? Of(string e164)
    {
        try
        {
            var number = PhoneNumberUtil.GetInstance().Parse(e164, null);
            var region = PhoneNumberOfflineGeocoder.GetInstance().GetDescriptionForNumber(number, Chinese);
            return string.IsNullOrWhiteSpace(region) || region.Length > 64 ? null : region;
        }
        catch (NumberParseException)
        {
            return null;
        }
    }
}
