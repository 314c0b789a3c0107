// The Go twin of app.ts: the same app through the jsii Go binding. run.sh checks that both print
// byte-identical YAML. Keep the two files in step.
package main

import (
	"fmt"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus27/v2"
	"github.com/maintainers/cdk8s-batch-go/cdk8sbatch"
)

func main() {
	app := cdk8s.NewApp(nil)
	chart := cdk8s.NewChart(app, jsii.String("batch"), &cdk8s.ChartProps{Namespace: jsii.String("reports")})
	// The controller is installed by another app.
	chart.Node().SetContext(jsii.String("cdk8s-batch.dev/controller"), jsii.String("external"))

	// A hashed schedule: H H(0-5) resolves to a concrete minute and hour from the CronJob's seed.
	cdk8sbatch.NewScheduledBatch(chart, jsii.String("nightly-report"), &cdk8sbatch.ScheduledBatchProps{
		Schedule:    cdk8sbatch.Schedule_Cron(jsii.String("H H(0-5) * * *")),
		TimeZone:    cdk8sbatch.TimeZone_Of(jsii.String("Asia/Tokyo")),
		Concurrency: cdk8sbatch.Concurrency_Forbid(),
		Containers: &[]*cdk8splus27.ContainerProps{{
			Image: jsii.String("ghcr.io/acme/report:1.4.0"),
			Args:  jsii.Strings("--since", "24h"),
		}},
		Config: &map[string]*string{"REPORT_BUCKET": jsii.String("reports")},
	})

	cdk8sbatch.NewParallelMatrixJob(chart, jsii.String("build"), &cdk8sbatch.ParallelMatrixJobProps{
		Matrix: cdk8sbatch.Matrix_Of(&map[string]*[]*string{
			"goos":   jsii.Strings("linux", "darwin"),
			"goarch": jsii.Strings("amd64", "arm64"),
		}, nil),
		MaxParallel: jsii.Number(2),
		Containers: &[]*cdk8splus27.ContainerProps{{
			Image:   jsii.String("golang:1.22"),
			Command: jsii.Strings("go", "build", "-o", "out/${matrix.goos}-${matrix.goarch}", "./..."),
			EnvVariables: &map[string]cdk8splus27.EnvValue{
				"GOOS": cdk8splus27.EnvValue_FromValue(jsii.String("${matrix.goos}")),
			},
		}},
	})

	greet := cdk8sbatch.NewParameterizedJob(chart, jsii.String("greet"), &cdk8sbatch.ParameterizedJobProps{
		Options: &[]cdk8sbatch.JobOption{
			cdk8sbatch.JobOption_String(&cdk8sbatch.StringOptionProps{
				Name: jsii.String("username"), Default: jsii.String("Example User"), TrimSpaces: jsii.Bool(true),
			}),
		},
		Containers: &[]*cdk8splus27.ContainerProps{{
			Image: jsii.String("alpine:3.20"),
			Args:  jsii.Strings("echo", "Hello ${option.username}!"),
		}},
	})
	greet.AddRun(jsii.String("alice"), &cdk8sbatch.RunOptions{Values: &map[string]*string{"username": jsii.String("Alice")}})
	greet.AddRun(jsii.String("bob"), &cdk8sbatch.RunOptions{
		Kind: cdk8sbatch.RunKind_JOB, Name: jsii.String("greet-bob"), Values: &map[string]*string{"username": jsii.String("Bob")},
	})

	fmt.Print(*app.SynthYaml())
}
