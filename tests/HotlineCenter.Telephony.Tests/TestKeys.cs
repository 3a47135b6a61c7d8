using HotlineCenter.Telephony.Identity;

namespace HotlineCenter.Telephony.Tests;

/// <summary>Caller identity keys for tests: a hash key and one current number key, separate secrets.</summary>
public static class TestKeys
{
    public const string HashKey = "test-caller-hash-key-of-at-least-32-characters";

    public static CallerIdentityOptions Options(string hashKey = HashKey, string currentId = "k1", params (string Id, string Secret)[] numberKeys)
    {
        var keys = numberKeys.Length == 0 ? [("k1", "test-number-key-k1-of-at-least-32-characters")] : numberKeys;
        return new CallerIdentityOptions
        {
            CallerHashKey = hashKey,
            NumberKeys = keys.ToDictionary(k => k.Id, k => k.Secret),
            CurrentNumberKeyId = currentId,
        };
    }
}
