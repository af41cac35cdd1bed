using Engine.Domain.Value.Model;

namespace Engine.Grains;

/// <summary>
/// The value model this silo forecasts with, refreshed from <c>IValueModelGrain</c> by the
/// silo, so a customer reads it from memory on every purchase instead of calling a grain.
/// Null until a model has been fitted and published.
/// </summary>
public sealed class CurrentValueModel
{
    private volatile ValueModel? _model;

    public ValueModel? Model => _model;

    /// <summary>When the silo last read the published model (whether it changed or not).</summary>
    public DateTimeOffset? CheckedAt { get; private set; }

    /// <summary>Takes what the model grain holds; true when the version changed.</summary>
    public bool Update(ValueModel? published, DateTimeOffset at)
    {
        CheckedAt = at;
        var changed = published?.Version != _model?.Version;
        if (changed)
        {
            _model = published;
        }

        return changed;
    }
}
