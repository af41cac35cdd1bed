using Engine.Benchmarks;
using Engine.Benchmarks.Producing;

if (args is [SimulatedClients.Command, ..])
{
    return SimulatedClients.Run(args[1..]);
}

if (args is [ImportRow.Command, ..])
{
    return await ImportRow.RunAsync(args[1..]);
}

if (args is [ClusterRow.Command, ..])
{
    return await ClusterRow.RunAsync(args[1..]);
}

if (args is [ValueModelFitRow.Command, ..])
{
    return ValueModelFitRow.Run();
}

if (args is [ProjectionQueriesRow.Command, ..])
{
    return await ProjectionQueriesRow.RunAsync(args[1..]);
}

if (args is [StoredSizeRow.Command, ..])
{
    return StoredSizeRow.Run();
}

BenchmarkOptions options;
try
{
    options = BenchmarkOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

return await ThroughputBenchmark.RunAsync(options);
