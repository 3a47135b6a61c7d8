namespace HotlineCenter.Web.Audit;

/// <summary>
/// The client address of a Blazor circuit. A circuit has no HTTP request to read it from, so the page's root
/// component receives it from the request that served the page (a parameter the framework signs) and sets it here,
/// once, for every service of that circuit.
/// </summary>
public sealed class AuditOrigin
{
    public bool IsCircuit { get; private set; }

    public string? Address { get; private set; }

    public void Set(string? address)
    {
        if (!IsCircuit)
        {
            (IsCircuit, Address) = (true, address);
        }
    }
}
