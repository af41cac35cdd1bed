namespace Engine.Testing;

/// <summary>The suppression list's secret for silos on PostgreSQL in tests (production refuses to start without one).</summary>
public static class TestNumberKey
{
    public const string Value = "test-suppression-list-key-0123456789abcdef";
}
