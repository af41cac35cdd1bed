using Engine.Silo.Hosting;

var builder = WebApplication.CreateBuilder(EngineArguments.Normalize(args));
builder.AddEngineSilo();

var app = builder.Build();
app.MapEngineEndpoints();
await app.RunAsync();
