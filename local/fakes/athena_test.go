package fakes

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestAthenaPartitions: ADD IF NOT EXISTS keeps an existing partition's
// location, SET LOCATION moves it and needs it to exist, as in Athena.
func TestAthenaPartitions(t *testing.T) {
	a := &AWS{}
	query := func(q string) error {
		t.Helper()
		params, _ := json.Marshal(map[string]any{"QueryString": q})
		_, err := call(t, a, "arn:aws:states:::athena:startQueryExecution.sync", string(params))
		return err
	}
	const table, date = "etl.sales", "run_date=2026-11-21"
	if err := query("ALTER TABLE `etl`.`sales` PARTITION (run_date = '2026-11-21') SET LOCATION 's3://c/sales/run_date=2026-11-21/run=r0/'"); err == nil || !strings.Contains(err.Error(), "Partition not found") {
		t.Errorf("SET LOCATION of a missing partition: %v", err)
	}
	for _, q := range []string{
		"ALTER TABLE `etl`.`sales` ADD IF NOT EXISTS PARTITION (run_date = '2026-11-21') LOCATION 's3://c/sales/run_date=2026-11-21/run=r1/'",
		"ALTER TABLE `etl`.`sales` ADD IF NOT EXISTS PARTITION (run_date = '2026-11-21') LOCATION 's3://c/sales/run_date=2026-11-21/run=r2/'",
	} {
		if err := query(q); err != nil {
			t.Fatal(err)
		}
	}
	if loc, ok := a.PartitionLocation(table, date); !ok || loc != "s3://c/sales/run_date=2026-11-21/run=r1/" {
		t.Errorf("after two ADD IF NOT EXISTS the location is %q, %v; want the first's", loc, ok)
	}
	if err := query("alter table `etl`.`sales` add partition (run_date = '2026-11-21') location 's3://x/'"); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("ADD of an existing partition: %v", err)
	}
	if err := query("ALTER TABLE `etl`.`sales` PARTITION (run_date = '2026-11-21') SET LOCATION 's3://c/sales/run_date=2026-11-21/run=r2/'"); err != nil {
		t.Fatal(err)
	}
	if loc, _ := a.PartitionLocation(table, date); loc != "s3://c/sales/run_date=2026-11-21/run=r2/" {
		t.Errorf("after SET LOCATION the location is %q", loc)
	}
	if len(a.Queries()) != 5 {
		t.Errorf("queries %v", a.Queries())
	}
}
