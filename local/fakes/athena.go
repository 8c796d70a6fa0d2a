package fakes

import (
	"fmt"
	"regexp"
	"strings"
)

// The partition statements the fake Athena carries out on its catalog; any
// other query succeeds without effect.
var (
	addPartition = regexp.MustCompile(`(?is)^\s*ALTER\s+TABLE\s+(\S+)\s+ADD\s+(IF\s+NOT\s+EXISTS\s+)?PARTITION\s*\(\s*(\w+)\s*=\s*'([^']*)'\s*\)\s+LOCATION\s+'([^']*)'\s*;?\s*$`)
	setLocation  = regexp.MustCompile(`(?is)^\s*ALTER\s+TABLE\s+(\S+)\s+PARTITION\s*\(\s*(\w+)\s*=\s*'([^']*)'\s*\)\s+SET\s+LOCATION\s+'([^']*)'\s*;?\s*$`)
)

// PartitionLocation returns the location of a table's partition as the
// fake's Athena queries left it: table is "database.table", partition
// "key=value" (e.g. "run_date=2026-11-21"). A test reads the partition's
// rows from there, as Athena would.
func (a *AWS) PartitionLocation(table, partition string) (string, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	loc, ok := a.partitions[table+"/"+partition]
	return loc, ok
}

// runPartitionDDL carries out q when it adds a partition or sets a
// partition's location, failing as Athena does when the partition exists
// (ADD without IF NOT EXISTS) or does not (SET LOCATION).
func (a *AWS) runPartitionDDL(q string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.partitions == nil {
		a.partitions = map[string]string{}
	}
	if m := addPartition.FindStringSubmatch(q); m != nil {
		key := tableName(m[1]) + "/" + m[3] + "=" + m[4]
		if _, exists := a.partitions[key]; exists {
			if m[2] == "" {
				return fmt.Errorf("AlreadyExistsException: Partition already exists: %s", key)
			}
			return nil
		}
		a.partitions[key] = m[5]
		return nil
	}
	if m := setLocation.FindStringSubmatch(q); m != nil {
		key := tableName(m[1]) + "/" + m[2] + "=" + m[3]
		if _, exists := a.partitions[key]; !exists {
			return fmt.Errorf("EntityNotFoundException: Partition not found: %s", key)
		}
		a.partitions[key] = m[4]
	}
	return nil
}

// tableName turns `db`.`table` into db.table.
func tableName(quoted string) string {
	return strings.ReplaceAll(quoted, "`", "")
}
