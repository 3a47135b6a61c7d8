using System.Security.Cryptography;
using System.Text;
using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Common;
using HotlineCenter.Telephony.Identity;
using Microsoft.Extensions.Options;

namespace HotlineCenter.Telephony.Tests;

public sealed class CallerIdentityProtectorTests
{
    private const string K1 = "number-key-one-0123456789-0123456789";
    private const string K2 = "number-key-two-0123456789-0123456789";

    private static CallerIdentityProtector Protector(string key) => new(Options.Create(TestKeys.Options(hashKey: key)));

    private static CallerIdentityProtector Protector(string current, params (string Id, string Secret)[] keys) =>
        new(Options.Create(TestKeys.Options(currentId: current, numberKeys: keys)));

    [Fact]
    public void Same_number_gives_the_same_hash_however_it_is_formatted()
    {
        var protector = Protector("k-0123456789-0123456789-0123456789");

        var a = protector.Protect("+86 138-0013-8000");
        var b = protector.Protect("+8613800138000");

        Assert.Equal(a.CallerHash, b.CallerHash);
        Assert.Equal(64, a.CallerHash.Length);
    }

    [Fact]
    public void Hash_depends_on_the_key_so_a_leaked_hash_cannot_be_looked_up_without_it()
    {
        var one = Protector("k-0123456789-0123456789-0123456789").Protect("+8613800138000");
        var other = Protector("x-0123456789-0123456789-0123456789").Protect("+8613800138000");

        Assert.NotEqual(one.CallerHash, other.CallerHash);
        Assert.DoesNotContain("13800138000", one.CallerHash);
    }

    [Fact]
    public void Hash_does_not_change_with_the_number_keys_so_repeat_callers_stay_linked_across_a_rotation()
    {
        var before = Protector("k1", ("k1", K1)).Protect("+8613800138000");
        var after = Protector("k2", ("k1", K1), ("k2", K2)).Protect("+8613800138000");

        Assert.Equal(before.CallerHash, after.CallerHash);
    }

    [Fact]
    public void Encrypted_number_carries_its_key_id_reveals_only_with_that_key_and_never_contains_the_digits()
    {
        var protector = Protector("k1", ("k1", K1));

        var caller = protector.Protect("+8613800138000");

        Assert.StartsWith("k1:", caller.EncryptedNumber);
        Assert.Equal("k1", CallerIdentityProtector.KeyIdOf(caller.EncryptedNumber));
        Assert.DoesNotContain("13800138000", caller.EncryptedNumber);
        Assert.Equal("+8613800138000", protector.RevealForDialling(caller));
        Assert.Null(Protector("k1", ("k1", K2)).RevealForDialling(caller));
        Assert.Null(protector.RevealForDialling(caller with { EncryptedNumber = "k1:not base64!" }));
        Assert.Null(protector.RevealForDialling(caller with { EncryptedNumber = "k9" + caller.EncryptedNumber![2..] }));
        Assert.NotEqual(caller.EncryptedNumber, protector.Protect("+8613800138000").EncryptedNumber);
    }

    [Fact]
    public void Rotation_new_ciphertexts_use_the_current_key_old_ones_still_decrypt_and_a_removed_key_reads_nothing()
    {
        var before = Protector("k1", ("k1", K1));
        var old = before.Protect("+8613800138000");

        var rotated = Protector("k2", ("k1", K1), ("k2", K2));
        var fresh = rotated.Protect("+8613911112222");
        var resealed = rotated.Reseal(old);

        Assert.Equal("k2", CallerIdentityProtector.KeyIdOf(fresh.EncryptedNumber));
        Assert.Equal("+8613800138000", rotated.RevealForDialling(old));
        Assert.Equal("+8613911112222", rotated.RevealForDialling(fresh));
        Assert.Equal(("k2", "+8613800138000"), (CallerIdentityProtector.KeyIdOf(resealed.EncryptedNumber), rotated.RevealForDialling(resealed)));

        // Once every old ciphertext is resealed or dropped, the previous key can leave the configuration.
        var retired = Protector("k2", ("k2", K2));
        Assert.Null(retired.RevealForDialling(old));
        Assert.Equal("+8613800138000", retired.RevealForDialling(resealed));
    }

    [Fact]
    public void The_vault_re_seals_an_old_key_number_under_the_current_key_and_it_still_decrypts()
    {
        var old = Protector("k1", ("k1", K1)).Protect("+8613800138000");
        var vault = new CallerNumberVault(Protector("k2", ("k1", K1), ("k2", K2)));

        var needed = vault.NeedsReseal(old.EncryptedNumber);
        var resealed = vault.Reseal(old);

        Assert.True(needed);
        Assert.False(vault.NeedsReseal(resealed.EncryptedNumber));
        Assert.Equal(("k2", "+8613800138000"), (CallerIdentityProtector.KeyIdOf(resealed.EncryptedNumber), vault.Reveal(resealed.EncryptedNumber)));
        Assert.Equal((old.CallerHash, old.MaskedNumber), (resealed.CallerHash, resealed.MaskedNumber));
        Assert.Equal("+8613800138000", new CallerNumberVault(Protector("k2", ("k2", K2))).Reveal(resealed.EncryptedNumber));
        Assert.Null(vault.Reveal(null));
    }

    [Fact]
    public void A_ciphertext_stored_before_key_ids_is_still_read_with_the_legacy_key()
    {
        // Exactly what the protector stored before key ids: AES-GCM under HKDF(hash secret, "hotline caller number v1"), nonce|tag|ciphertext.
        const string hashSecret = TestKeys.HashKey;
        var key = HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(hashSecret), 32, info: "hotline caller number v1"u8.ToArray());
        var plain = Encoding.UTF8.GetBytes("+8613800138000");
        var blob = new byte[12 + 16 + plain.Length];
        RandomNumberGenerator.Fill(blob.AsSpan(0, 12));
        using (var aes = new AesGcm(key, 16))
        {
            aes.Encrypt(blob.AsSpan(0, 12), plain, blob.AsSpan(28), blob.AsSpan(12, 16));
        }

        var legacy = new CallerRef("hash", "*******8000", Convert.ToBase64String(blob));

        Assert.Equal("legacy", CallerIdentityProtector.KeyIdOf(legacy.EncryptedNumber));
        Assert.Equal("+8613800138000", Protector("k2", ("k2", K2)).RevealForDialling(legacy));
    }

    [Theory]
    [InlineData("", "", null, "Hotline:CallerHashKey")]
    [InlineData(TestKeys.HashKey, "", null, "Hotline:NumberKeys must hold")]
    [InlineData(TestKeys.HashKey, "k1", "k2", "Hotline:CurrentNumberKeyId must name")]
    [InlineData(TestKeys.HashKey, "K_1", "K_1", "key id 'K_1'")]
    public void Incomplete_keys_are_refused_naming_the_setting(string hashKey, string id, string? current, string problem)
    {
        var options = new CallerIdentityOptions { CallerHashKey = hashKey, CurrentNumberKeyId = current };
        if (id.Length > 0)
        {
            options.NumberKeys[id] = K1;
        }

        Assert.Contains(options.Problems(), p => p.Contains(problem, StringComparison.Ordinal));
        Assert.Throws<InvalidOperationException>(() => new CallerIdentityProtector(Options.Create(options)));
    }

    [Fact]
    public void The_hash_secret_cannot_double_as_an_encryption_key()
    {
        var options = TestKeys.Options(numberKeys: ("k1", TestKeys.HashKey));

        Assert.Contains(options.Problems(), p => p.Contains("must differ from Hotline:CallerHashKey", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("anonymous")]
    [InlineData("Anonymous")]
    [InlineData("Restricted")]
    [InlineData("Unavailable")]
    [InlineData("UNKNOWN")]
    [InlineData("+266696687")]
    [InlineData("+7378742833")]
    [InlineData("+8656696")]
    [InlineData("+86282452253")]
    [InlineData("+2562533")]
    [InlineData("+7748283")]
    [InlineData("client:c-wang")]
    [InlineData("+0000000000")]
    [InlineData("+12")]
    public void Withheld_and_placeholder_numbers_get_no_caller_profile_and_nothing_to_dial(string? from)
    {
        var caller = Protector("k-0123456789-0123456789-0123456789").ProtectCaller(from);

        Assert.Equal(Keys.AnonymousCaller, caller.CallerHash);
        Assert.False(Keys.IsCallerProfileKey(caller.CallerHash));
        Assert.Null(caller.EncryptedNumber);
        Assert.Equal(CallerIdentityProtector.WithheldMask, caller.MaskedNumber);
    }

    [Theory]
    [InlineData("+8613800138000")]
    [InlineData("+862988880000")]
    [InlineData("+8612356")]
    public void Real_numbers_get_their_own_profile_key(string from)
    {
        var caller = Protector("k-0123456789-0123456789-0123456789").ProtectCaller(from);

        Assert.True(Keys.IsCallerProfileKey(caller.CallerHash));
        Assert.NotNull(caller.EncryptedNumber);
    }

    // number, masked — never more than four digits; fewer for shorter numbers and Chinese landlines.
    [Theory]
    [InlineData("+8613800138000", "*******8000")]       // mobile: last four
    [InlineData("13800138000", "*******8000")]          // the same without country code
    [InlineData("+86 138-0013-8000", "*******8000")]
    [InlineData("+862988880000", "********00")]         // Xi'an landline (10 digits): last two
    [InlineData("02988880000", "********00")]
    [InlineData("+8675512345678", "*********78")]       // Shenzhen landline (11 digits): still last two
    [InlineData("+861062345678", "********78")]         // Beijing landline (8-digit subscriber number)
    [InlineData("+8612356", "*****")]                   // the hotline's short number: nothing
    [InlineData("12356", "*****")]
    [InlineData("110", "***")]
    [InlineData("+86400123456", "*******56")]           // 9-digit service number: last two
    [InlineData("+442079460958", "GB ********58")]      // London landline (10 digits): region in letters, last two
    [InlineData("+447400123456", "GB ********56")]      // UK mobile (10 digits): last two
    [InlineData("+14155550123", "US ********23")]       // US (10 digits)
    [InlineData("+85291234567", "HK ******67")]         // Hong Kong mobile (8 digits)
    [InlineData("+999123456789012", "***********9012")] // no such country: by length only
    public void Masked_number_reveals_by_type_and_length(string number, string masked)
    {
        var shown = CallerIdentityProtector.Mask(number);

        Assert.Equal(masked, shown);
        Assert.True(shown.Count(char.IsAsciiDigit) <= 4, $"{shown} reveals more than four digits");
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(3, 0)]
    [InlineData(6, 0)]
    [InlineData(7, 2)]
    [InlineData(10, 2)]
    [InlineData(11, 4)]
    [InlineData(15, 4)]
    public void Revealed_digits_grow_with_length_and_never_pass_four(int length, int shown) =>
        Assert.Equal(shown, CallerIdentityProtector.RevealedDigits(length, PhoneNumbers.PhoneNumberType.UNKNOWN, null));

    [Fact]
    public void Every_number_from_one_to_fifteen_digits_reveals_at_most_four_digits()
    {
        for (var length = 1; length <= 15; length++)
        {
            foreach (var prefix in new[] { "", "+", "+86", "0", "+1", "+44" })
            {
                var number = prefix + string.Concat(Enumerable.Range(0, length).Select(i => (char)('1' + (i % 9))));
                var shown = CallerIdentityProtector.Mask(number);
                Assert.True(shown.Count(char.IsAsciiDigit) <= 4, $"{number} → {shown}");
            }
        }
    }
}
