using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace ProcoreAdmin.Web.Hosting.Outbound;

/// <summary>Resolves host names for the outbound policy (a seam: tests resolve names to chosen addresses).</summary>
public interface IOutboundResolver
{
    Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct);
}

public sealed class DnsOutboundResolver : IOutboundResolver
{
    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct) => Dns.GetHostAddressesAsync(host, ct);
}

/// <summary>Told about every refused outbound connection (the audit trail records it).</summary>
public interface IOutboundRefusalRecorder
{
    Task RecordAsync(string host, string reason, CancellationToken ct);
}

/// <summary>Thrown when the outbound policy refuses a destination. The message is plain and names the host only.</summary>
public sealed class OutboundRefusedException(string host, string reason)
    : Exception($"Refused by the outbound policy: {host}: {reason}")
{
    public string Host { get; } = host;

    public string Reason { get; } = reason;
}

/// <summary>
/// The one place that decides where the app may connect. A URL is checked before a request is sent (scheme, host
/// allow-list, IP literals), and the addresses are checked at connect time after DNS resolution
/// (<see cref="ConnectAsync"/> is the <see cref="SocketsHttpHandler.ConnectCallback"/> of every outbound HttpClient; SMTP
/// uses <see cref="ConnectSocketAsync"/>): the socket is opened to the very addresses that were checked, so a name that
/// resolves to a private address, or one that changes its answer between check and connect (DNS rebinding), is refused.
/// Rules: https only; the fixed Procore hosts, the configured <see cref="OutboundPolicyOptions.AllowedHosts"/>; never
/// loopback, private (RFC 1918, RFC 4193), link-local, shared, multicast, unspecified or cloud metadata addresses; in
/// Development loopback (http or https) is allowed, every other rule holds.
/// </summary>
public sealed partial class OutboundPolicy(
    IOptions<OutboundPolicyOptions> options,
    IOutboundResolver resolver,
    IServiceProvider services,
    ILogger<OutboundPolicy> logger)
{
    private OutboundPolicyOptions Options => options.Value;

    /// <summary>Why <paramref name="uri"/> may not be contacted, or null when its scheme and host are allowed (no DNS).</summary>
    public string? CheckUrl(Uri? uri)
    {
        if (uri is null || !uri.IsAbsoluteUri)
        {
            return "only absolute URLs can be checked";
        }

        if (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
        {
            return $"the {uri.Scheme} scheme is not allowed";
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            return "user info in URLs is not allowed";
        }

        return CheckHost(uri.DnsSafeHost, https: uri.Scheme == Uri.UriSchemeHttps);
    }

    /// <summary>Why <paramref name="host"/> may not be contacted (over https unless <paramref name="https"/> is false), or null.</summary>
    public string? CheckHost(string host, bool https = true)
    {
        if (IPAddress.TryParse(host.Trim('[', ']'), out var literal))
        {
            if (ForbiddenClass(literal, Options.AllowLoopback) is { } forbidden)
            {
                return $"{forbidden} addresses are not allowed";
            }

            return IPAddress.IsLoopback(Unmap(literal))
                ? null
                : "IP addresses are not allowed; use a host name listed in Outbound:AllowedHosts";
        }

        var name = host.TrimEnd('.').ToLowerInvariant();
        if (Options.AllowLoopback && name == "localhost")
        {
            return null; // resolves to loopback; the connect-time check holds it to that
        }

        if (!https)
        {
            return "only https is allowed";
        }

        return IsAllowListed(name) ? null : "the host is not in the outbound allow-list (Outbound:AllowedHosts)";
    }

    /// <summary>Why the addresses <paramref name="host"/> resolves to may not be contacted, or null; and the addresses.</summary>
    public async Task<(string? Reason, IPAddress[] Addresses)> ResolveAsync(string host, CancellationToken ct)
    {
        var bare = host.Trim('[', ']');
        IPAddress[] addresses;
        if (IPAddress.TryParse(bare, out var literal))
        {
            addresses = [literal];
        }
        else
        {
            try
            {
                addresses = await resolver.ResolveAsync(bare, ct);
            }
            catch (SocketException)
            {
                return ("the host name does not resolve", []);
            }
        }

        if (addresses.Length == 0)
        {
            return ("the host name does not resolve", []);
        }

        foreach (var address in addresses)
        {
            if (ForbiddenClass(address, Options.AllowLoopback) is { } forbidden)
            {
                return ($"it resolves to a {forbidden} address", addresses);
            }
        }

        return (null, addresses);
    }

    /// <summary>The <see cref="SocketsHttpHandler.ConnectCallback"/>: checks the request's URL and the resolved addresses, then
    /// connects to exactly those addresses.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var uri = context.InitialRequestMessage.RequestUri;
        if (CheckUrl(uri) is { } reason)
        {
            await RecordRefusalAsync(context.DnsEndPoint.Host, reason, ct);
            throw new OutboundRefusedException(context.DnsEndPoint.Host, reason);
        }

        var socket = await ConnectSocketAsync(context.DnsEndPoint.Host, context.DnsEndPoint.Port, ct);
        return new NetworkStream(socket, ownsSocket: true);
    }

    /// <summary>Resolves <paramref name="host"/>, refuses forbidden addresses, and connects a TCP socket to the checked addresses.</summary>
    public async Task<Socket> ConnectSocketAsync(string host, int port, CancellationToken ct)
    {
        var (reason, addresses) = await ResolveAsync(host, ct);
        if (reason is not null)
        {
            await RecordRefusalAsync(host, reason, ct);
            throw new OutboundRefusedException(host, reason);
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, port, ct);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Logs and audits a refusal (host and reason only: URLs can carry secrets in their path).</summary>
    public async Task RecordRefusalAsync(string host, string reason, CancellationToken ct)
    {
        LogRefused(logger, host, reason);
        if (services.GetService<IOutboundRefusalRecorder>() is { } recorder)
        {
            await recorder.RecordAsync(host, reason, CancellationToken.None);
        }
    }

    /// <summary>The class of address the policy refuses (e.g. "private (RFC 1918)"), or null when it may be contacted.</summary>
    public static string? ForbiddenClass(IPAddress address, bool allowLoopback)
    {
        var a = Unmap(address);
        if (IPAddress.IsLoopback(a))
        {
            return allowLoopback ? null : "loopback";
        }

        if (a.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = a.GetAddressBytes();
            return (b[0], b[1], b[2], b[3]) switch
            {
                (169, 254, 169, 254) or (100, 100, 100, 200) or (168, 63, 129, 16) => "cloud metadata",
                (0, _, _, _) => "unspecified",
                (10, _, _, _) => "private (RFC 1918)",
                (172, >= 16 and <= 31, _, _) => "private (RFC 1918)",
                (192, 168, _, _) => "private (RFC 1918)",
                (169, 254, _, _) => "link-local",
                (100, >= 64 and <= 127, _, _) => "shared (carrier-grade NAT)",
                (192, 0, 0, _) => "reserved (IETF protocol assignments)",
                (198, 18 or 19, _, _) => "reserved (benchmarking)",
                ( >= 224, _, _, _) => "multicast or reserved",
                _ => null,
            };
        }

        if (a.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var b = a.GetAddressBytes();
            if (a.Equals(IPAddress.IPv6Any))
            {
                return "unspecified";
            }

            if (a.Equals(IPAddress.Parse("fd00:ec2::254")))
            {
                return "cloud metadata";
            }

            if (a.IsIPv6LinkLocal)
            {
                return "link-local";
            }

            if ((b[0] & 0xFE) == 0xFC)
            {
                return "private (RFC 4193)";
            }

            if (a.IsIPv6SiteLocal)
            {
                return "site-local";
            }

            if (a.IsIPv6Multicast)
            {
                return "multicast or reserved";
            }

            // Addresses that embed an IPv4 address (NAT64 64:ff9b::/96, 6to4 2002::/16, IPv4-compatible ::a.b.c.d).
            IPAddress? embedded = null;
            if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B && b.AsSpan(4, 8).IndexOfAnyExcept((byte)0) < 0)
            {
                embedded = new IPAddress(b.AsSpan(12, 4));
            }
            else if (b[0] == 0x20 && b[1] == 0x02)
            {
                embedded = new IPAddress(b.AsSpan(2, 4));
            }
            else if (b.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0)
            {
                embedded = new IPAddress(b.AsSpan(12, 4));
            }

            return embedded is null ? null : ForbiddenClass(embedded, allowLoopback: false);
        }

        return "unsupported";
    }

    private static IPAddress Unmap(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private bool IsAllowListed(string name)
    {
        foreach (var entry in OutboundPolicyOptions.ProcoreHosts.Concat(Options.AllowedHosts))
        {
            var pattern = entry.Trim().TrimEnd('.').ToLowerInvariant();
            if (pattern.StartsWith("*.", StringComparison.Ordinal)
                    ? name.EndsWith(pattern[1..], StringComparison.Ordinal) && name.Length > pattern.Length - 1
                    : name == pattern)
            {
                return true;
            }
        }

        return false;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbound connection to {Host} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string host, string reason);
}
