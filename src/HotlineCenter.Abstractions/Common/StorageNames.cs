namespace HotlineCenter.Abstractions.Common;

/// <summary>Names of the Orleans providers every silo registers.</summary>
public static class StorageNames
{
    /// <summary>Grain state store (Redis in production, memory in grain tests).</summary>
    public const string Hotline = "hotline";

    /// <summary>Audit log segments and their index (Redis in production, deleting a dropped segment's key).</summary>
    public const string Audit = "audit";
}
