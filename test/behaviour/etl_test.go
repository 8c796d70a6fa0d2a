package behaviour_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/sfnkit/sfnkit/local/harness"
	etl "github.com/sfnkit/sfnkit/workflows/etl/contract"
)

// etlWorld is what an ETL execution left behind.
type etlWorld struct {
	env *harness.Env
	out harness.Outcome
}

func playETL(t *testing.T, s harness.Scenario) etlWorld {
	t.Helper()
	env := newEnv(t, s.Stack)
	return etlWorld{env: env, out: play(t, s, env)}
}

// objects lists the keys of the bucket whose logical id contains part.
func (w etlWorld) objects(t *testing.T, part string) []string {
	t.Helper()
	return w.env.AWS.Bucket(cfnRef(w.env, logicalID(t, w.env, "AWS::S3::Bucket", part))).Keys()
}

func (w etlWorld) object(t *testing.T, part, key string) []byte {
	t.Helper()
	data, ok := w.env.AWS.Bucket(cfnRef(w.env, logicalID(t, w.env, "AWS::S3::Bucket", part))).Get(key)
	if !ok {
		t.Fatalf("no object %s in the %s bucket", key, part)
	}
	return data
}

func (w etlWorld) ledger(t *testing.T, date string) map[string]any {
	t.Helper()
	return table(t, w.env, "RunLedger").Get(date)
}

func (w etlWorld) alerts(t *testing.T) int {
	t.Helper()
	return len(messages(t, w.env, "AWS::SNS::Topic", "AlertTopic"))
}

// lines reads JSON Lines, gunzipping when needed.
func lines(t *testing.T, data []byte) []map[string]any {
	t.Helper()
	if bytes.HasPrefix(data, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if _, err := buf.ReadFrom(zr); err != nil {
			t.Fatal(err)
		}
		data = buf.Bytes()
	}
	var out []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var row map[string]any
		if err := json.Unmarshal(sc.Bytes(), &row); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		out = append(out, row)
	}
	return out
}

func TestETLLoaded(t *testing.T) {
	w := playETL(t, scenario(t, "etl/loaded"))
	quality := field(w.out.Result.Output, "quality")
	if field(quality, "rowsIn") != 750.0 || field(quality, "rowsCurated") != 749.0 || field(quality, "rowsQuarantined") != 1.0 {
		t.Errorf("quality report %v; want 750 in, 749 curated, 1 quarantined", quality)
	}
	var curated, rejected []map[string]any
	for _, key := range w.objects(t, "CuratedBucket") {
		if !strings.HasPrefix(key, "sales/run_date="+harness.RunDate+"/") {
			t.Errorf("curated object %s outside the run date's partition", key)
		}
		curated = append(curated, lines(t, w.object(t, "CuratedBucket", key))...)
	}
	for _, key := range w.objects(t, "QuarantineBucket") {
		rejected = append(rejected, lines(t, w.object(t, "QuarantineBucket", key))...)
	}
	if len(curated) != 749 || len(rejected) != 1 {
		t.Fatalf("%d curated rows and %d rejected; want 749 and 1", len(curated), len(rejected))
	}
	if curated[0]["currency"] != "EUR" {
		t.Errorf("a curated row %v: want the currency normalized to EUR", curated[0])
	}
	if reason := fmt.Sprint(rejected[0]); !strings.Contains(reason, "quantity") {
		t.Errorf("the rejected row %s does not say that its quantity is wrong", reason)
	}
	if q := w.env.AWS.Queries(); len(q) != 2 || !strings.Contains(q[0], "ADD IF NOT EXISTS PARTITION (run_date = '"+harness.RunDate+"')") || !strings.Contains(q[1], "SET LOCATION") {
		t.Errorf("Athena queries %v; want the partition added, then pointed at the run's prefix", q)
	}
	runPrefix := "sales/run_date=" + harness.RunDate + "/run=" + fmt.Sprint(field(w.out.Result.Output, "run", "runId")) + "/"
	if loc, _ := w.env.AWS.PartitionLocation("sfnkit_etl.sales", "run_date="+harness.RunDate); !strings.HasSuffix(loc, "/"+runPrefix) {
		t.Errorf("the partition's location is %q; want the run's prefix %s", loc, runPrefix)
	}
	if l := w.ledger(t, harness.RunDate); attr(l, "status") != "SUCCEEDED" || attr(l, "rowsCurated") != "749" {
		t.Errorf("ledger %v", l)
	}
	if w.alerts(t) != 0 {
		t.Error("a successful run alerted")
	}
}

// TestETLManyFiles runs the Distributed Map over enough files to need
// several batches: every row of every file is accounted for once.
func TestETLManyFiles(t *testing.T) {
	s := scenario(t, "etl/loaded")
	files := map[string][]byte{}
	for i := 0; i < 120; i++ {
		files[fmt.Sprintf("store-%03d.csv", i)] = harness.SalesCSV(40, func(j int) bool { return j == i%40 && i%10 == 0 })
	}
	s.Setup = func(env *harness.Env) error {
		raw := env.Functions[etl.StateStartRun][etl.EnvRawBucket]
		for name, data := range files {
			env.AWS.Bucket(raw).Put("raw/"+harness.RunDate+"/"+name, data)
		}
		return nil
	}
	s.WantOutput = map[string]any{"quality.rowsIn": 4800, "quality.rowsQuarantined": 12, "quality.rowsCurated": 4788}
	w := playETL(t, s)
	quality := field(w.out.Result.Output, "quality")
	if field(quality, "rowsIn") != 4800.0 || field(quality, "rowsQuarantined") != 12.0 || field(quality, "rowsCurated") != 4788.0 {
		t.Errorf("quality report %v; want 4800 in, 12 quarantined", quality)
	}
	if len(w.out.Children) < 2 {
		t.Errorf("%d child executions for 120 files; want the files batched over several", len(w.out.Children))
	}
	seen := 0
	for _, c := range w.out.Children {
		seen += len(field(c.Input, "Items").([]any))
	}
	if seen != 120 {
		t.Errorf("the batches hold %d files; want each of the 120 once", seen)
	}
}

func TestETLPoorQuality(t *testing.T) {
	w := playETL(t, scenario(t, "etl/poor-quality"))
	if !reflect.DeepEqual(w.out.Path[len(w.out.Path)-4:], []string{etl.StateMarkRunFailed, etl.StateAlertRunFailed, etl.StateClassifyFailure, etl.StateDataQualityFailed}) {
		t.Errorf("path %v", w.out.Path)
	}
	if !strings.Contains(w.out.Result.Cause, "25.00% of rows were rejected") {
		t.Errorf("cause %q does not give the reject rate", w.out.Result.Cause)
	}
	if attr(w.ledger(t, harness.PoorRunDate), "status") != "FAILED" || w.alerts(t) != 1 || len(w.env.AWS.Queries()) != 0 {
		t.Errorf("ledger %v, %d alerts, queries %v: want FAILED, one alert, no partition", w.ledger(t, harness.PoorRunDate), w.alerts(t), w.env.AWS.Queries())
	}
}

func TestETLRunInProgressLeavesTheClaim(t *testing.T) {
	w := playETL(t, scenario(t, "etl/in-progress"))
	if l := w.ledger(t, harness.BusyRunDate); attr(l, "status") != "RUNNING" || attr(l, "executionId") != harness.OtherExecution {
		t.Errorf("ledger %v: the other execution's claim was touched", l)
	}
	if len(w.objects(t, "CuratedBucket")) != 0 || w.alerts(t) != 0 {
		t.Error("a refused run wrote data or alerted")
	}
}

func TestETLAlreadyLoadedDoesNothing(t *testing.T) {
	w := playETL(t, scenario(t, "etl/already-loaded"))
	if !reflect.DeepEqual(w.out.Path, []string{etl.StateStartRun, etl.StateAlreadyLoaded, etl.StateRunAlreadySucceeded}) {
		t.Errorf("path %v", w.out.Path)
	}
	if len(w.objects(t, "CuratedBucket")) != 0 || len(w.env.AWS.Queries()) != 0 || attr(w.ledger(t, harness.LoadedRunDate), "executionId") != harness.OtherExecution {
		t.Error("an already loaded day was loaded again")
	}
}
