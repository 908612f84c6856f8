using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(SkillVerify.Benchmarks.HotPathBenchmarks).Assembly).Run(args);
