using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using StackExchange.Redis;

namespace HotlineCenter.Web.Hosting;

/// <summary>
/// The data-protection keys sign and encrypt the sign-in cookies: whoever reads them can mint an administrator's
/// cookie. They live in Redis (so every node accepts every node's cookie), encrypted at rest with a key-encryption
/// key from configuration (<c>DataProtection:KeyEncryptionKey</c>, 32 bytes in base64, AES-256-GCM). Outside
/// Development the host refuses to start without it; Development keeps them unencrypted and says so.
/// Changing the key-encryption key makes the stored keys unreadable: everyone signs in again (nothing else is lost).
/// </summary>
public static class DataProtectionKeys
{
    public const string Setting = "DataProtection:KeyEncryptionKey";

    /// <summary>The Redis list of a deployment's keys (per service id, so test hosts and deployments never share one).</summary>
    public static string RedisKey(string serviceId) => $"hotline:{serviceId}:data-protection-keys";

    public static WebApplicationBuilder AddHotlineDataProtection(this WebApplicationBuilder builder)
    {
        var serviceId = builder.Configuration["Orleans:ServiceId"] ?? "hotlinecenter";
        builder.Services.AddDataProtection()
            .SetApplicationName("hotlinecenter")
            .PersistKeysToStackExchangeRedis(
                () => ConnectionMultiplexer.Connect(builder.Configuration.GetConnectionString("Redis")!).GetDatabase(),
                RedisKey(serviceId));
        var configured = builder.Configuration[Setting];
        if (string.IsNullOrWhiteSpace(configured))
        {
            if (!builder.Environment.IsDevelopment())
            {
                throw new InvalidOperationException(
                    $"{Setting} is required outside Development: the data-protection keys that sign sign-in cookies must not sit unencrypted in Redis. "
                    + "Set it to 32 random bytes in base64 (head -c 32 /dev/urandom | base64); ops/run.sh makes one in .data/dp-kek.");
            }

            builder.Services.AddHostedService<UnprotectedKeysWarning>();
            return builder;
        }

        var kek = Parse(configured);
        builder.Services.AddSingleton(new KeyEncryptionKey(kek));
        builder.Services.Configure<KeyManagementOptions>(o => o.XmlEncryptor = new KekXmlEncryptor(kek));
        return builder;
    }

    public static byte[] Parse(string configured)
    {
        try
        {
            var bytes = Convert.FromBase64String(configured.Trim());
            if (bytes.Length == 32)
            {
                return bytes;
            }
        }
        catch (FormatException)
        {
        }

        throw new InvalidOperationException($"{Setting} must be 32 bytes in base64 (44 characters, e.g. from: head -c 32 /dev/urandom | base64).");
    }

    /// <summary>A short id of a key-encryption key (not the key), written beside each encrypted key so a wrong one is named.</summary>
    public static string KeyId(byte[] kek) => Convert.ToHexStringLower(SHA256.HashData(kek))[..12];

    private sealed class UnprotectedKeysWarning(ILogger<UnprotectedKeysWarning> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            logger.LogWarning("Development: data-protection keys are stored unencrypted in Redis ({Setting} is not set); never run like this with real accounts", Setting);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

/// <summary>The configured key-encryption key, for <see cref="KekXmlDecryptor"/>.</summary>
public sealed record KeyEncryptionKey(byte[] Key);

/// <summary>Seals a data-protection key's XML with AES-256-GCM under the key-encryption key.</summary>
public sealed class KekXmlEncryptor(byte[] kek) : IXmlEncryptor
{
    internal static readonly byte[] Aad = "hotline data-protection key"u8.ToArray();

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var plain = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var nonce = RandomNumberGenerator.GetBytes(12);
        var tag = new byte[16];
        var cipher = new byte[plain.Length];
        using (var aes = new AesGcm(kek, 16))
        {
            aes.Encrypt(nonce, plain, cipher, tag, Aad);
        }

        CryptographicOperations.ZeroMemory(plain);
        var element = new XElement("hotlineEncryptedKey",
            new XAttribute("kek", DataProtectionKeys.KeyId(kek)),
            new XElement("value", Convert.ToBase64String([.. nonce, .. tag, .. cipher])));
        return new EncryptedXmlInfo(element, typeof(KekXmlDecryptor));
    }
}

/// <summary>Opens what <see cref="KekXmlEncryptor"/> sealed; created by the data-protection system with the host's services.</summary>
public sealed class KekXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        var kek = services.GetService<KeyEncryptionKey>()?.Key
            ?? throw new InvalidOperationException($"A data-protection key is encrypted but {DataProtectionKeys.Setting} is not set.");
        if ((string?)encryptedElement.Attribute("kek") != DataProtectionKeys.KeyId(kek))
        {
            throw new CryptographicException($"This data-protection key was encrypted with another {DataProtectionKeys.Setting}.");
        }

        var blob = Convert.FromBase64String((string?)encryptedElement.Element("value") ?? string.Empty);
        var plain = new byte[blob.Length - 28];
        using (var aes = new AesGcm(kek, 16))
        {
            aes.Decrypt(blob.AsSpan(0, 12), blob.AsSpan(28), blob.AsSpan(12, 16), plain, KekXmlEncryptor.Aad);
        }

        return XElement.Parse(Encoding.UTF8.GetString(plain));
    }
}
