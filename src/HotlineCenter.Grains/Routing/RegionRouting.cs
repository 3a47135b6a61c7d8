using System.Collections.Immutable;
using HotlineCenter.Abstractions.Centres;
using HotlineCenter.Grains.Reports;

namespace HotlineCenter.Grains.Routing;

/// <summary>
/// A city centre as region routing sees it: its region, opening hours and, once read, how many of its counsellors are
/// signed in (null: not read, e.g. because the centre is closed).
/// </summary>
public sealed record CityCentre(string CentreId, string? Province, string? City, ImmutableArray<OpeningHours> Hours, int? SignedIn = null);

/// <summary>Where a call to a provincial number goes, and why (the reason is written on the call's timeline).</summary>
public sealed record RegionRoute(string CentreId, string Reason)
{
    public const string ToCity = "city";
    public const string UnknownRegion = "unknown-region";
    public const string NoCityCentre = "no-city-centre";
    public const string CityClosed = "city-closed";
    public const string NobodySignedIn = "nobody-signed-in";

    public bool ToProvince => Reason != ToCity;
}

/// <summary>
/// Routing by the caller's region (issue 13): a call to the province's number goes to the centre of the caller's city,
/// the number's region coming from libphonenumber's offline geocoder (landlines by area code, mobiles by number segment
/// where it knows them). Unknown region, no centre for that city, the city centre closed (its weekly opening hours,
/// China time) or nobody signed in there → the provincial centre answers.
/// </summary>
public static class RegionRouting
{
    /// <summary>The minimum opening hours a day a centre may configure.</summary>
    public static readonly TimeSpan MinimumDailyHours = TimeSpan.FromHours(18);

    /// <summary>
    /// The first city centre whose city the geocoded region (陕西省西安市, 陕西省西安市、咸阳市 for a shared area code) names;
    /// null when the region is unknown or no city centre serves it.
    /// </summary>
    public static CityCentre? MatchCity(string? numberRegion, IEnumerable<CityCentre> cities) =>
        string.IsNullOrWhiteSpace(numberRegion)
            ? null
            : cities.FirstOrDefault(c => !string.IsNullOrWhiteSpace(c.City)
                && CallerOriginRules.Classify(numberRegion, c.Province, c.City) == CallerOriginRules.Local);

    /// <summary>
    /// The decision. <paramref name="cities"/> are the provincial centre's city centres; the matched one's
    /// <see cref="CityCentre.SignedIn"/> must have been read when it is open (null there counts as nobody).
    /// </summary>
    public static RegionRoute Decide(string provincialCentreId, string? numberRegion, IReadOnlyList<CityCentre> cities, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(numberRegion))
        {
            return new RegionRoute(provincialCentreId, RegionRoute.UnknownRegion);
        }

        if (MatchCity(numberRegion, cities) is not { } city)
        {
            return new RegionRoute(provincialCentreId, RegionRoute.NoCityCentre);
        }

        if (!IsOpen(city.Hours, now))
        {
            return new RegionRoute(provincialCentreId, RegionRoute.CityClosed);
        }

        return city.SignedIn is > 0
            ? new RegionRoute(city.CentreId, RegionRoute.ToCity)
            : new RegionRoute(provincialCentreId, RegionRoute.NobodySignedIn);
    }

    /// <summary>Whether a centre with these weekly hours is open at <paramref name="at"/> (China time); no hours: always open.</summary>
    public static bool IsOpen(ImmutableArray<OpeningHours> hours, DateTimeOffset at)
    {
        if (hours.IsDefaultOrEmpty)
        {
            return true;
        }

        var china = at.ToOffset(Abstractions.Common.ChinaTime.Offset);
        var sinceMidnight = china.TimeOfDay;
        foreach (var h in hours)
        {
            var opens = h.Opens.ToTimeSpan();
            if (h.Day == china.DayOfWeek && sinceMidnight >= opens && sinceMidnight - opens < h.Length)
            {
                return true;
            }

            // Yesterday's hours running past midnight.
            if (h.Day == china.AddDays(-1).DayOfWeek && opens + h.Length > TimeSpan.FromDays(1) && sinceMidnight < opens + h.Length - TimeSpan.FromDays(1))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Problems with weekly opening hours: none, or one entry for each of the seven days, each at least 18 hours.</summary>
    public static IReadOnlyList<string> ValidateHours(ImmutableArray<OpeningHours> hours)
    {
        var errors = new List<string>();
        if (hours.IsDefaultOrEmpty)
        {
            return errors;
        }

        if (hours.Length != 7 || hours.Select(h => h.Day).Distinct().Count() != 7 || hours.Any(h => !Enum.IsDefined(h.Day)))
        {
            errors.Add("centre: openingHours must have one entry for each day of the week (or none: open around the clock)");
        }

        foreach (var h in hours.Where(h => h.Length < MinimumDailyHours))
        {
            errors.Add($"centre: openingHours on {h.Day} are {h.Length.TotalHours:0.##} h; a centre is open at least {MinimumDailyHours.TotalHours:0} h a day");
        }

        return errors;
    }
}
