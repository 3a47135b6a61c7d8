using Orleans.Runtime;

namespace HotlineCenter.Web.Tests.Fakes;

/// <summary>
/// A grain factory for component tests: it hands out the fake grains a test registered by interface and key,
/// and fails loudly for any grain the test did not expect the component to touch.
/// </summary>
public sealed class FakeGrainFactory : IGrainFactory
{
    private readonly Dictionary<(Type Interface, string Key), IAddressable> _grains = [];

    public T Add<T>(string key, T grain)
        where T : IAddressable
    {
        _grains[(typeof(T), key)] = grain;
        return grain;
    }

    public TGrainInterface GetGrain<TGrainInterface>(string primaryKey, string? grainClassNamePrefix = null)
        where TGrainInterface : IGrainWithStringKey =>
        _grains.TryGetValue((typeof(TGrainInterface), primaryKey), out var grain)
            ? (TGrainInterface)grain
            : throw new InvalidOperationException($"The test registered no {typeof(TGrainInterface).Name} '{primaryKey}'.");

    public TGrainInterface GetGrain<TGrainInterface>(Guid primaryKey, string? grainClassNamePrefix = null)
        where TGrainInterface : IGrainWithGuidKey => throw Unexpected<TGrainInterface>();

    public TGrainInterface GetGrain<TGrainInterface>(long primaryKey, string? grainClassNamePrefix = null)
        where TGrainInterface : IGrainWithIntegerKey => throw Unexpected<TGrainInterface>();

    public TGrainInterface GetGrain<TGrainInterface>(Guid primaryKey, string keyExtension, string? grainClassNamePrefix = null)
        where TGrainInterface : IGrainWithGuidCompoundKey => throw Unexpected<TGrainInterface>();

    public TGrainInterface GetGrain<TGrainInterface>(long primaryKey, string keyExtension, string? grainClassNamePrefix = null)
        where TGrainInterface : IGrainWithIntegerCompoundKey => throw Unexpected<TGrainInterface>();

    public TGrainObserverInterface CreateObjectReference<TGrainObserverInterface>(IGrainObserver obj)
        where TGrainObserverInterface : IGrainObserver => throw Unexpected<TGrainObserverInterface>();

    public void DeleteObjectReference<TGrainObserverInterface>(IGrainObserver obj)
        where TGrainObserverInterface : IGrainObserver => throw Unexpected<TGrainObserverInterface>();

    public IGrain GetGrain(Type grainInterfaceType, Guid grainPrimaryKey) => throw Unexpected(grainInterfaceType);

    public IGrain GetGrain(Type grainInterfaceType, long grainPrimaryKey) => throw Unexpected(grainInterfaceType);

    public IGrain GetGrain(Type grainInterfaceType, string grainPrimaryKey) => throw Unexpected(grainInterfaceType);

    public IGrain GetGrain(Type grainInterfaceType, Guid grainPrimaryKey, string keyExtension) => throw Unexpected(grainInterfaceType);

    public IGrain GetGrain(Type grainInterfaceType, long grainPrimaryKey, string keyExtension) => throw Unexpected(grainInterfaceType);

    public IAddressable GetGrain(Type grainInterfaceType, IdSpan grainPrimaryKey) => throw Unexpected(grainInterfaceType);

    public IAddressable GetGrain(Type grainInterfaceType, IdSpan grainPrimaryKey, string grainClassNamePrefix) => throw Unexpected(grainInterfaceType);

    public TGrainInterface GetGrain<TGrainInterface>(GrainId grainId)
        where TGrainInterface : IAddressable => throw Unexpected<TGrainInterface>();

    public IAddressable GetGrain(GrainId grainId) => throw Unexpected(typeof(IAddressable));

    public IAddressable GetGrain(GrainId grainId, GrainInterfaceType interfaceType) => throw Unexpected(typeof(IAddressable));

    private static NotSupportedException Unexpected<T>() => Unexpected(typeof(T));

    private static NotSupportedException Unexpected(Type type) => new($"Component tests reach {type.Name} only by a string key the test registered.");
}
