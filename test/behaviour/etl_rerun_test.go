package behaviour_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/sfnkit/sfnkit/asl"
	"github.com/sfnkit/sfnkit/local/harness"
	etl "github.com/sfnkit/sfnkit/workflows/etl/contract"
)

// RerunDate is the day TestETLRerunShowsOnlyTheLastRunsRows loads twice.
const RerunDate = "2026-11-16"

// TestETLRerunShowsOnlyTheLastRunsRows: a rerun after a failed run
// duplicated rows, as the failed run's parts stayed in the date's
// partition and the rerun, whose raw objects had other names, wrote new
// parts beside them. Run 1 fails after writing its parts (at the quality
// gate, or after registering the partition); run 2 loads other objects; the
// partition then holds run 2's rows and nothing else.
func TestETLRerunShowsOnlyTheLastRunsRows(t *testing.T) {
	tests := []struct {
		name      string
		firstRows []byte // run 1's raw file
		failAt    string // a state where run 1 fails for good, or ""
		firstEnd  string
	}{
		{"the gate fails run 1", harness.SalesCSV(400, func(i int) bool { return i%3 == 0 }), "", etl.StateDataQualityFailed},
		{"run 1 fails after loading the partition", harness.SalesCSV(400, nil), etl.StateFinishRun, etl.StateRunFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newEnv(t, harness.StackETL)
			raw := env.AWS.Bucket(env.Functions[etl.StateStartRun][etl.EnvRawBucket])
			curatedBucket := cfnRef(env, logicalID(t, env, "AWS::S3::Bucket", "CuratedBucket"))
			curated := env.AWS.Bucket(curatedBucket)
			run := func(files map[string][]byte, status asl.Status, end string) {
				t.Helper()
				for _, k := range raw.List("raw/" + RerunDate + "/") {
					raw.Delete(k)
				}
				for name, data := range files {
					raw.Put("raw/"+RerunDate+"/"+name, data)
				}
				play(t, harness.Scenario{
					Name: "etl/rerun", Stack: harness.StackETL, WantStatus: status, WantEnd: end,
					Input: func(*harness.Env) ([]byte, error) { return json.Marshal(map[string]any{"runDate": RerunDate}) },
				}, env)
			}

			if tt.failAt != "" {
				st := env.State(tt.failAt)
				works, _ := env.Tasks.Resolve(tt.failAt, st.Resource, nil)
				if _, err := env.Inject(tt.failAt, harness.Fault{Error: "DynamoDB.AmazonDynamoDBException", Times: -1}); err != nil {
					t.Fatal(err)
				}
				run(map[string][]byte{"first.csv": tt.firstRows}, asl.StatusFailed, tt.firstEnd)
				env.Tasks.HandleState(tt.failAt, works)
			} else {
				run(map[string][]byte{"first.csv": tt.firstRows}, asl.StatusFailed, tt.firstEnd)
			}
			firstParts := len(curated.List("sales/run_date=" + RerunDate + "/"))
			if firstParts == 0 {
				t.Fatal("run 1 wrote no curated part: the test would prove nothing")
			}

			run(map[string][]byte{"second-a.csv": harness.SalesCSV(120, nil), "second-b.csv": harness.SalesCSV(80, nil)}, asl.StatusSucceeded, etl.StateRunSucceeded)

			location, ok := env.AWS.PartitionLocation(etl.DefaultDatabaseName+"."+etl.Sales.Name, "run_date="+RerunDate)
			prefix, inCurated := strings.CutPrefix(location, "s3://"+curatedBucket+"/")
			if !ok || !inCurated {
				t.Fatalf("the partition's location is %q (%v); want a prefix of the curated bucket %s", location, ok, curatedBucket)
			}
			rows := 0
			for _, key := range curated.List(prefix) {
				data, _ := curated.Get(key)
				for _, row := range lines(t, data) {
					rows++
					if src := fmt.Sprint(row[etl.ColumnSourceObject]); !strings.HasPrefix(src, "raw/"+RerunDate+"/second-") {
						t.Fatalf("the partition (%s) shows a row of %s, which run 2 did not load", location, src)
					}
				}
			}
			if rows != 200 {
				t.Errorf("the partition (%s) holds %d rows; want run 2's 200", location, rows)
			}
			if len(curated.List("sales/run_date="+RerunDate+"/")) <= firstParts {
				t.Error("run 2 wrote no part of its own")
			}
		})
	}
}
