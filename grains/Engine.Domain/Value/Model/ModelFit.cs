namespace Engine.Domain.Value.Model;

/// <summary>Fitted parameters, the sample's log-likelihood at them, its size, and how the optimiser got there.</summary>
public sealed record ModelFit<TParameters>(TParameters Parameters, double LogLikelihood, int Customers, int Iterations, bool Converged, int Evaluations = 0);
