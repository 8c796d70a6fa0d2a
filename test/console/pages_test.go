package console_test

import (
	"context"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/sfnkit/sfnkit/local/harness"
	etl "github.com/sfnkit/sfnkit/workflows/etl/contract"
	images "github.com/sfnkit/sfnkit/workflows/imageprocessing/contract"
)

// These tests read the console's pages over HTTP, as a browser gets them,
// from `sfnkit serve` in process on the shared synthesis, and hold what
// they show to what the API answers. The browser test (browser_test.go)
// checks the same pages' script and colours in Chromium.

var (
	tableRE = regexp.MustCompile(`(?s)<table[^>]*\bid="([^"]+)"[^>]*>(.*?)</table>`)
	rowRE   = regexp.MustCompile(`(?s)<tr[^>]*>(.*?)</tr>`)
	cellRE  = regexp.MustCompile(`(?s)<t[dh][^>]*>(.*?)</t[dh]>`)
	tagRE   = regexp.MustCompile(`<[^>]*>`)
)

// text is an HTML fragment's text, as a browser shows it.
func text(fragment string) string {
	return strings.Join(strings.Fields(html.UnescapeString(tagRE.ReplaceAllString(fragment, " "))), " ")
}

// table is the text of each body row's cells of the page's table id (its
// header row left out); nil if the page has no such table.
func table(page, id string) [][]string {
	for _, m := range tableRE.FindAllStringSubmatch(page, -1) {
		if m[1] != id {
			continue
		}
		body := m[2]
		if i := strings.Index(body, "<tbody>"); i >= 0 {
			body = body[i:]
		}
		rows := [][]string{}
		for _, r := range rowRE.FindAllStringSubmatch(body, -1) {
			var cells []string
			for _, c := range cellRE.FindAllStringSubmatch(r[1], -1) {
				cells = append(cells, text(c[1]))
			}
			rows = append(rows, cells)
		}
		return rows
	}
	return nil
}

// outcomeOf is the outcome the execution page's states table gives state.
func outcomeOf(page, state string) string {
	for _, row := range table(page, "states") {
		if row[0] == state {
			return row[2]
		}
	}
	return "not-reached"
}

func executionPath(arn string) string { return "execution?arn=" + url.QueryEscape(arn) }

// historyRows is the execution's history as the page's table lists it
// ("id type"), all on one page.
func (s *site) historyMatches(t *testing.T, arn string) {
	t.Helper()
	var shown []string
	for _, row := range table(s.page(t, executionPath(arn)+"&maxResults=1000"), "events") {
		shown = append(shown, row[0]+" "+row[1])
	}
	if want := s.history(t, arn); strings.Join(shown, "\n") != strings.Join(want, "\n") {
		t.Errorf("the history table of %s shows\n%s\nGetExecutionHistory answers\n%s", arn, strings.Join(shown, "\n"), strings.Join(want, "\n"))
	}
}

// TestETLMapRunPage: the ETL run's Distributed Map is listed on the
// execution's page and its map run page shows the item and child
// execution counts and the child executions DescribeMapRun and
// ListExecutions answer.
func TestETLMapRunPage(t *testing.T) {
	s := serve(t)
	arn := s.start(t, "etl/loaded")
	if d := s.await(t, arn); d.Status != types.ExecutionStatusSucceeded {
		t.Fatalf("etl/loaded ended %s (%s)", d.Status, aws.ToString(d.Cause))
	}
	ctx := context.Background()
	runs, err := s.client.ListMapRuns(ctx, &sfn.ListMapRunsInput{ExecutionArn: aws.String(arn)})
	if err != nil || len(runs.MapRuns) != 1 {
		t.Fatalf("ListMapRuns: %v, %v; want the ExtractTransform run", runs, err)
	}
	runArn := aws.ToString(runs.MapRuns[0].MapRunArn)
	run, err := s.client.DescribeMapRun(ctx, &sfn.DescribeMapRunInput{MapRunArn: aws.String(runArn)})
	if err != nil {
		t.Fatal(err)
	}
	page := s.page(t, executionPath(arn))
	items := run.ItemCounts
	want := [][]string{{runArn, string(run.Status), fmt.Sprint(items.Total), fmt.Sprint(items.Succeeded), fmt.Sprint(items.Failed)}}
	if got := table(page, "mapruns"); len(got) != 1 || strings.Join(got[0][:5], "|") != strings.Join(want[0], "|") {
		t.Errorf("the execution's map runs: %q; want %q", got, want)
	}
	link, err := url.Parse(html.UnescapeString(between(between(page, `id="mapruns"`, "</table>"), `href="`, `"`)))
	if err != nil || link.Path != "/console/maprun" || link.Query().Get("arn") != runArn {
		t.Errorf("the map run's link is %v (%v); want the map run page of %s", link, err, runArn)
	}
	if items.Total == 0 || items.Succeeded != items.Total {
		t.Fatalf("the run's items: %+v; want all succeeded", items)
	}
	// The item processor ran in the child executions: the graph says so.
	if got := outcomeOf(page, etl.StateTransform); got != "succeeded" {
		t.Errorf("%s, the item processor, is %s on the execution's page; want succeeded (it ran in the map run's children)", etl.StateTransform, got)
	}

	page = s.page(t, "maprun?arn="+url.QueryEscape(runArn))
	counts := table(page, "counts")
	if len(counts) != 2 {
		t.Fatalf("the counts table: %q", counts)
	}
	fields := func(c *types.MapRunItemCounts) []string {
		return []string{fmt.Sprint(c.Pending), fmt.Sprint(c.Running), fmt.Sprint(c.Succeeded), fmt.Sprint(c.Failed), fmt.Sprint(c.TimedOut),
			fmt.Sprint(c.Aborted), fmt.Sprint(c.Total), fmt.Sprint(c.ResultsWritten), fmt.Sprint(aws.ToInt64(c.FailuresNotRedrivable)), fmt.Sprint(aws.ToInt64(c.PendingRedrive))}
	}
	e := run.ExecutionCounts
	wantCounts := [][]string{
		append([]string{"Items"}, fields(items)...),
		append([]string{"Child executions"}, fields(&types.MapRunItemCounts{Pending: e.Pending, Running: e.Running, Succeeded: e.Succeeded,
			Failed: e.Failed, TimedOut: e.TimedOut, Aborted: e.Aborted, Total: e.Total, ResultsWritten: e.ResultsWritten,
			FailuresNotRedrivable: e.FailuresNotRedrivable, PendingRedrive: e.PendingRedrive})...),
	}
	if fmt.Sprint(counts) != fmt.Sprint(wantCounts) {
		t.Errorf("the map run's counts:\n%q\nDescribeMapRun:\n%q", counts, wantCounts)
	}
	children, err := s.client.ListExecutions(ctx, &sfn.ListExecutionsInput{MapRunArn: aws.String(runArn)})
	if err != nil {
		t.Fatal(err)
	}
	var wantChildren []string
	for _, c := range children.Executions {
		wantChildren = append(wantChildren, aws.ToString(c.Name)+" "+string(c.Status))
	}
	var shown []string
	for _, row := range table(page, "children") {
		shown = append(shown, row[0]+" "+row[1])
	}
	if len(wantChildren) == 0 || strings.Join(shown, ",") != strings.Join(wantChildren, ",") {
		t.Errorf("the map run's children: %q; ListExecutions: %q", shown, wantChildren)
	}
	if !strings.Contains(page, runArn) || !strings.Contains(text(page), "Max concurrency "+fmt.Sprint(run.MaxConcurrency)) {
		t.Errorf("the map run page does not show the run's ARN and concurrency %d", run.MaxConcurrency)
	}
}

// TestETLAndImageExecutionPages: a failed ETL run and a processed and a
// refused photo (Express) show their status, error, cause, path and
// history as the API answers them.
func TestETLAndImageExecutionPages(t *testing.T) {
	s := serve(t)
	for _, c := range []struct {
		scenario string
		outcomes map[string]string
	}{
		{"etl/poor-quality", map[string]string{etl.StateExtractTransform: "succeeded", etl.StateQualityGate: "caught", etl.StateDataQualityFailed: "failed", etl.StateLoadPartition: "not-reached"}},
		{"image/processed", map[string]string{images.StateExtractMetadata: "succeeded", images.StateImageProcessed: "succeeded", images.StateProcessingFailed: "not-reached"}},
		{"image/foreign-key", map[string]string{images.StateExtractMetadata: "caught", images.StateProcessingFailed: "failed", images.StateImageProcessed: "not-reached"}},
	} {
		t.Run(c.scenario, func(t *testing.T) {
			arn := s.start(t, c.scenario)
			d := s.await(t, arn)
			if want := scenario(t, c.scenario).WantStatus; string(d.Status) != string(want) {
				t.Fatalf("ended %s (%s); want %s", d.Status, aws.ToString(d.Cause), want)
			}
			page := s.page(t, executionPath(arn))
			facts := text(page)
			if !strings.Contains(page, `data-status="`+string(d.Status)+`"`) {
				t.Errorf("the page does not show the status %s", d.Status)
			}
			if d.Status == types.ExecutionStatusFailed {
				if got := text(between(page, `id="exec-error">`, "</dd>")); !strings.Contains(got, aws.ToString(d.Error)) {
					t.Errorf("the page's error is %q; DescribeExecution's %q", got, aws.ToString(d.Error))
				}
				if !strings.Contains(facts, strings.Join(strings.Fields(aws.ToString(d.Cause)), " ")) {
					t.Errorf("the page does not show the cause %q", aws.ToString(d.Cause))
				}
			} else if !strings.Contains(page, `id="exec-output"`) || strings.Contains(between(page, `id="exec-output">`, "</pre>"), "(none)") {
				t.Error("the page does not show the output")
			}
			for state, want := range c.outcomes {
				if got := outcomeOf(page, state); got != want {
					t.Errorf("%s is %s on the page; want %s", state, got, want)
				}
			}
			if strings.Contains(page, `id="redrive"`) != (d.Status == types.ExecutionStatusFailed && scenario(t, c.scenario).Stack == harness.StackETL) {
				t.Errorf("the redrive button is offered: %v (status %s)", strings.Contains(page, `id="redrive"`), d.Status)
			}
			s.historyMatches(t, arn)
		})
	}
}

// between is the part of s after the first from, up to the next to.
func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	s = s[i+len(from):]
	if j := strings.Index(s, to); j >= 0 {
		return s[:j]
	}
	return s
}
