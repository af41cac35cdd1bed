namespace Engine.Domain.Value.Numerics;

/// <summary>Where a minimisation ended, its value there, and how it got there.</summary>
public sealed record Minimum(double[] Point, double Value, int Iterations, int Evaluations, bool Converged);

/// <summary>
/// The Nelder–Mead simplex method (reflection 1, expansion 2, contraction ½, shrink ½), for
/// smooth likelihoods of a few parameters without derivatives. It stops when the simplex's
/// values differ by less than the value tolerance and its points by less than the point
/// tolerance, then restarts from the best point (a simplex can
/// collapse onto a line away from the minimum) and stops for good when the restart finds
/// nothing better. Deterministic: the same start gives the same answer.
/// </summary>
public static class NelderMead
{
    public static Minimum Minimize(
        Func<double[], double> objective,
        double[] start,
        double step = 0.5,
        double valueTolerance = 1e-12,
        double pointTolerance = 1e-9,
        int maxIterations = 20_000)
    {
        var evaluations = 0;
        double Evaluate(double[] point)
        {
            evaluations++;
            var value = objective(point);
            return double.IsNaN(value) ? double.PositiveInfinity : value;
        }

        var best = start;
        var bestValue = Evaluate(start);
        var iterations = 0;
        var converged = false;
        for (var round = 0; round < 3; round++)
        {
            var (point, value, used, settled) = Run(Evaluate, best, step, valueTolerance, pointTolerance, maxIterations - iterations);
            iterations += used;
            var improved = value < bestValue - valueTolerance;
            if (value <= bestValue)
            {
                (best, bestValue) = (point, value);
            }

            converged = settled;
            if (!improved || !settled || iterations >= maxIterations)
            {
                break;
            }
        }

        return new Minimum(best, bestValue, iterations, evaluations, converged);
    }

    private static (double[] Point, double Value, int Iterations, bool Converged) Run(
        Func<double[], double> evaluate, double[] start, double step, double valueTolerance, double pointTolerance, int maxIterations)
    {
        var n = start.Length;
        var points = new double[n + 1][];
        var values = new double[n + 1];
        points[0] = (double[])start.Clone();
        values[0] = evaluate(points[0]);
        for (var i = 0; i < n; i++)
        {
            var vertex = (double[])start.Clone();
            vertex[i] += step;
            points[i + 1] = vertex;
            values[i + 1] = evaluate(vertex);
        }

        for (var iteration = 0; iteration < maxIterations; iteration++)
        {
            Array.Sort(values, points);
            if (values[n] - values[0] <= valueTolerance * (1 + Math.Abs(values[0])) && Spread(points) <= pointTolerance)
            {
                return (points[0], values[0], iteration, true);
            }

            var centroid = new double[n];
            for (var i = 0; i < n; i++)
            {
                for (var j = 0; j < n; j++)
                {
                    centroid[j] += points[i][j] / n;
                }
            }

            var reflected = Along(centroid, points[n], -1);
            var reflectedValue = evaluate(reflected);
            if (reflectedValue < values[0])
            {
                var expanded = Along(centroid, points[n], -2);
                var expandedValue = evaluate(expanded);
                (points[n], values[n]) = expandedValue < reflectedValue ? (expanded, expandedValue) : (reflected, reflectedValue);
                continue;
            }

            if (reflectedValue < values[n - 1])
            {
                (points[n], values[n]) = (reflected, reflectedValue);
                continue;
            }

            var outside = reflectedValue < values[n];
            var contracted = Along(centroid, points[n], outside ? -0.5 : 0.5);
            var contractedValue = evaluate(contracted);
            if (contractedValue < Math.Min(reflectedValue, values[n]))
            {
                (points[n], values[n]) = (contracted, contractedValue);
                continue;
            }

            for (var i = 1; i <= n; i++)
            {
                points[i] = Along(points[0], points[i], 0.5);
                values[i] = evaluate(points[i]);
            }
        }

        Array.Sort(values, points);
        return (points[0], values[0], maxIterations, false);
    }

    // centroid + factor × (vertex − centroid): −1 reflects, −2 expands, ±½ contracts.
    private static double[] Along(double[] centroid, double[] vertex, double factor)
    {
        var point = new double[centroid.Length];
        for (var j = 0; j < point.Length; j++)
        {
            point[j] = centroid[j] + (factor * (vertex[j] - centroid[j]));
        }

        return point;
    }

    private static double Spread(double[][] points)
    {
        var spread = 0.0;
        for (var i = 1; i < points.Length; i++)
        {
            for (var j = 0; j < points[0].Length; j++)
            {
                spread = Math.Max(spread, Math.Abs(points[i][j] - points[0][j]));
            }
        }

        return spread;
    }
}
