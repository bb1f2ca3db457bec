using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace ProcoreAdmin.DevIdentity;

/// <summary>Keeps the IdP's data-protection keys (cookie, antiforgery) in memory, so a run writes no key files.</summary>
internal sealed class InMemoryXmlRepository : IXmlRepository
{
    private readonly Lock _gate = new();
    private readonly List<XElement> _elements = [];

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        lock (_gate)
        {
            return [.. _elements.Select(static e => new XElement(e))];
        }
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        lock (_gate)
        {
            _elements.Add(new XElement(element));
        }
    }
}
