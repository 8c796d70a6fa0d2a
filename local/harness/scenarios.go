package harness

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/sfnkit/sfnkit/asl"
	"github.com/sfnkit/sfnkit/local/fakes"
	etl "github.com/sfnkit/sfnkit/workflows/etl/contract"
	images "github.com/sfnkit/sfnkit/workflows/imageprocessing/contract"
	order "github.com/sfnkit/sfnkit/workflows/orderfulfillment/contract"
)

// The stacks whose state machines the scenarios run.
const (
	StackOrderFulfillment = "SfnkitOrderFulfillment"
	StackETL              = "SfnkitEtl"
	StackImageProcessing  = "SfnkitImageProcessing"
)

// RenderDirs is where `sfnkit render` puts each stack's rendered
// workflow (readable ASL, Mermaid, DOT, SVG), beside the workflow's code.
var RenderDirs = map[string]string{
	StackOrderFulfillment: "workflows/orderfulfillment/rendered",
	StackETL:              "workflows/etl/rendered",
	StackImageProcessing:  "workflows/imageprocessing/rendered",
}

// Scenario is one named run of a workflow: the world it starts in, its
// input, what a person does while it runs, and the outcome it must reach.
// `sfnkit demo` plays every scenario; the behaviour tests build on them.
type Scenario struct {
	Name    string // e.g. "order/approved"
	Stack   string
	Summary string
	// Setup seeds the fakes (stock, files, images, ledger entries).
	Setup func(env *Env) error
	// Input is the execution's input; it may read names from env.
	Input func(env *Env) ([]byte, error)
	// ExecutionName names the execution, as the order API names each
	// after its order id; if empty, a UUID.
	ExecutionName string
	// Decision is what the approver does when the execution waits at
	// order.StateRequestApproval: "approve", "reject", or "ignore" to
	// leave it unanswered until the wait times out. "" expects no wait.
	Decision string
	// WantStatus and WantEnd are the outcome: the execution's status and
	// the last state it entered.
	WantStatus asl.Status
	WantEnd    string
	// WantOutput holds facts about a successful execution's output: each
	// key is a dotted path into its JSON ("payment.status"), each value
	// what must be there. Ids a run makes unique are left out, so the
	// same facts hold for a deployment (`sfnkit smoke`).
	WantOutput map[string]any
	// WantCause is text a failed execution's cause must contain.
	WantCause string
	// Seedless says the scenario needs none of the sample data, so it
	// runs against a fresh deployment too (`sfnkit smoke`).
	Seedless bool
}

// SetUp seeds env with the sample data of every scenario of stack: the
// scenarios use distinct orders, days and objects, so all of them can run
// in one environment, as they do in `sfnkit serve`.
func SetUp(env *Env, stack string) error {
	for _, s := range Scenarios() {
		if s.Stack == stack && s.Setup != nil {
			if err := s.Setup(env); err != nil {
				return fmt.Errorf("scenario %s: setup: %w", s.Name, err)
			}
		}
	}
	return nil
}

// Outcome is what playing a scenario produced.
type Outcome struct {
	Result  asl.Result
	History []asl.Event
	Path    []string
	// Children are the child executions of a Distributed Map.
	Children []asl.ChildExecution
}

// Check reports how the outcome differs from what the scenario wants.
func (s Scenario) Check(o Outcome) error {
	end := ""
	if len(o.Path) > 0 {
		end = o.Path[len(o.Path)-1]
	}
	if o.Result.Status != s.WantStatus || end != s.WantEnd {
		return fmt.Errorf("scenario %s ended %s in %s (error %q, cause %q); want %s in %s",
			s.Name, o.Result.Status, end, o.Result.Error, o.Result.Cause, s.WantStatus, s.WantEnd)
	}
	if err := s.CheckResult(o.Result.Output, o.Result.Cause); err != nil {
		return fmt.Errorf("scenario %s: %w", s.Name, err)
	}
	return nil
}

// CheckResult reports how an execution's output (decoded JSON) or cause
// differs from WantOutput and WantCause.
func (s Scenario) CheckResult(output any, cause string) error {
	if s.WantCause != "" && !strings.Contains(cause, s.WantCause) {
		return fmt.Errorf("the cause %q lacks %q", cause, s.WantCause)
	}
	paths := make([]string, 0, len(s.WantOutput))
	for path := range s.WantOutput {
		paths = append(paths, path)
	}
	sort.Strings(paths)
	for _, path := range paths {
		got, found := output, true
		for _, field := range strings.Split(path, ".") {
			m, ok := got.(map[string]any)
			if got, found = m[field]; !ok || !found {
				break
			}
		}
		gotJSON, _ := json.Marshal(got)
		wantJSON, _ := json.Marshal(s.WantOutput[path])
		if !found || string(gotJSON) != string(wantJSON) {
			return fmt.Errorf("the output's %s is %s; want %s", path, gotJSON, wantJSON)
		}
	}
	return nil
}

// expecting returns the scenario with facts its output must hold.
func (s Scenario) expecting(output map[string]any) Scenario {
	s.WantOutput = output
	return s
}

// because returns the scenario with text its cause must contain.
func (s Scenario) because(cause string) Scenario {
	s.WantCause = cause
	return s
}

// Play seeds env, runs the scenario's execution to its end and answers
// the approval task as the scenario says. env must be fresh and use the
// virtual clock.
func (s Scenario) Play(ctx context.Context, env *Env) (Outcome, error) {
	if env.Clock == nil {
		return Outcome{}, fmt.Errorf("scenario %s: the environment must run on the virtual clock", s.Name)
	}
	if s.Setup != nil {
		if err := s.Setup(env); err != nil {
			return Outcome{}, fmt.Errorf("scenario %s: setup: %w", s.Name, err)
		}
	}
	input, err := s.Input(env)
	if err != nil {
		return Outcome{}, fmt.Errorf("scenario %s: input: %w", s.Name, err)
	}
	// The approver acts as soon as the request arrives: the hook holds
	// virtual time from the moment the task waits until the decision, so
	// no timeout fires first, while retries before it still take time.
	requests := make(chan asl.PendingTask, 1)
	if s.Decision != "" {
		env.OnTaskToken(func(p asl.PendingTask) {
			if p.StateName != order.StateRequestApproval {
				return
			}
			env.Clock.Hold()
			select {
			case requests <- p: // released once decided
			default: // a later request: the scenario decides only the first
				env.Clock.Release()
			}
		})
		defer env.OnTaskToken(nil)
	}
	x, err := env.Engine.Start(ctx, env.Machine, input, s.ExecutionName)
	if err != nil {
		return Outcome{}, err
	}
	if s.Decision != "" {
		select {
		case p := <-requests:
			err := s.decide(ctx, env, p)
			env.Clock.Release()
			if err != nil {
				x.Stop("ScenarioFailed", err.Error())
				return Outcome{}, err
			}
		case <-x.Done():
			return Outcome{}, fmt.Errorf("scenario %s: the execution ended (%s: %s) after %v without asking for approval", s.Name, x.Result().Status, x.Result().Cause, Path(x.History()))
		case <-ctx.Done():
			return Outcome{}, ctx.Err()
		}
	}
	res, err := x.Wait(ctx)
	if err != nil {
		return Outcome{}, err
	}
	hist := x.History()
	return Outcome{Result: res, History: hist, Path: Path(hist), Children: x.Children()}, nil
}

// decide answers the approval request through the approval callback
// Lambda with the token from the message the approver received, or leaves
// it unanswered.
func (s Scenario) decide(ctx context.Context, env *Env, request asl.PendingTask) error {
	if s.Decision == "ignore" {
		return nil
	}
	token, err := ApprovalToken(request)
	if err != nil {
		return err
	}
	status, err := env.Decide(ctx, token, s.Decision, "decided by scenario "+s.Name)
	if err != nil || status != 200 {
		return fmt.Errorf("scenario %s: the approval callback answered %d: %v", s.Name, status, err)
	}
	return nil
}

// ApprovalToken reads the task token from the approval request message.
func ApprovalToken(task asl.PendingTask) (string, error) {
	params, _ := task.Input.(map[string]any)
	body, _ := params["MessageBody"].(map[string]any)
	token, _ := body["taskToken"].(string)
	if token == "" || token != task.Token {
		return "", fmt.Errorf("the approval request %v does not carry the task's token", task.Input)
	}
	return token, nil
}

// Scenarios lists every scenario of the three workflows.
func Scenarios() []Scenario {
	return append(append(orderScenarios(), etlScenarios()...), imageScenarios()...)
}

// Order scenarios.

// Stock is the inventory the order scenarios start with.
var Stock = map[string]int{"SKU-BOOK": 10, "SKU-LAMP": 3, "SKU-DESK": 1}

func seedStock(env *Env) error {
	table, err := env.table(order.StateReserveInventory, order.EnvInventoryTable)
	if err != nil {
		return err
	}
	for sku, n := range Stock {
		table.Put(map[string]any{"sku": map[string]any{"S": sku}, "stock": map[string]any{"N": fmt.Sprint(n)}})
	}
	return nil
}

// SampleOrder is an order for a book and a lamp (45.00), paid with token,
// shipped to postal code postal. Change it to build other orders.
func SampleOrder(id, token, postal string) map[string]any {
	return map[string]any{
		"orderId": id, "customerId": "cust-7", "email": "ada@example.com",
		"items": []any{
			map[string]any{"sku": "SKU-BOOK", "quantity": 2, "unitPriceCents": 1500},
			map[string]any{"sku": "SKU-LAMP", "quantity": 1, "unitPriceCents": 1500},
		},
		"payment":         map[string]any{"method": "card", "token": token},
		"shippingAddress": map[string]any{"name": "Ada Lovelace", "line1": "12 St James's Square", "city": "London", "postalCode": postal, "country": "GB"},
	}
}

func staticInput(v any) func(*Env) ([]byte, error) {
	return func(*Env) ([]byte, error) { return json.Marshal(v) }
}

func orderScenarios() []Scenario {
	// Every scenario has its own order id, so all of them can run in one
	// environment (`sfnkit serve` seeds one per workflow).
	large := func(id string) map[string]any {
		o := SampleOrder(id, "tok_visa", "SW1Y 4LG")
		o["items"] = []any{map[string]any{"sku": "SKU-DESK", "quantity": 1, "unitPriceCents": 250_000}}
		return o
	}
	tooMany := SampleOrder("ord-too-many", "tok_visa", "SW1Y 4LG")
	tooMany["items"] = []any{map[string]any{"sku": "SKU-LAMP", "quantity": 5, "unitPriceCents": 1500}}
	invalid := SampleOrder("", "tok_visa", "SW1Y 4LG")
	invalid["email"] = "not-an-email"
	s := func(name, summary string, in map[string]any, decision string, status asl.Status, end string) Scenario {
		id, _ := in["orderId"].(string)
		return Scenario{Name: "order/" + name, Stack: StackOrderFulfillment, Summary: summary, Setup: seedStock,
			Input: staticInput(in), ExecutionName: id, Decision: decision, WantStatus: status, WantEnd: end}
	}
	seedless := func(sc Scenario) Scenario { sc.Seedless = true; return sc }
	return []Scenario{
		s("completed", "a small order is paid, reserved, shipped and confirmed", SampleOrder("ord-1", "tok_visa", "SW1Y 4LG"), "", asl.StatusSucceeded, order.StateOrderCompleted).
			expecting(map[string]any{"payment.status": "CHARGED", "payment.amountCents": 4500, "reservation.units": 3, "shipment.carrier": "SIMULATED"}),
		s("approved", "an order over the approval threshold waits for an approver, who approves it", large("ord-approved"), "approve", asl.StatusSucceeded, order.StateOrderCompleted).
			expecting(map[string]any{"approval.approved": true, "payment.status": "CHARGED", "payment.amountCents": 250000, "shipment.parcels": 1}),
		seedless(s("not-approved", "the approver rejects a large order; nothing is charged", large("ord-rejected"), "reject", asl.StatusFailed, order.StateOrderNotApproved).
			because("rejected the order")),
		s("approval-timed-out", "nobody answers the approval request; the wait times out", large("ord-unanswered"), "ignore", asl.StatusFailed, order.StateOrderNotApproved).
			because("did not answer in time"),
		seedless(s("invalid", "an order without an id and with a bad email is rejected before any side effect", invalid, "", asl.StatusFailed, order.StateOrderRejected).
			because(`"errorType":"` + order.ErrorInvalidOrder + `"`)),
		seedless(s("payment-declined", "the card is declined; nothing to compensate", SampleOrder("ord-declined", "tok_decline", "SW1Y 4LG"), "", asl.StatusFailed, order.StatePaymentFailed).
			because("declined")),
		s("out-of-stock", "more lamps than in stock: the payment is refunded", tooMany, "", asl.StatusFailed, order.StateInventoryUnavailable).
			because("the payment was refunded"),
		s("undeliverable", "the carrier refuses the address: stock released, payment refunded", SampleOrder("ord-undeliverable", "tok_visa", "00000"), "", asl.StatusFailed, order.StateShippingFailed).
			because("stock was released and the payment refunded"),
	}
}

// table finds the fake table a state's function names in its
// environment variable.
func (env *Env) table(state, variable string) (*fakes.Table, error) {
	vars, ok := env.Functions[state]
	if !ok || vars[variable] == "" {
		return nil, fmt.Errorf("the function of state %s has no %s", state, variable)
	}
	return env.AWS.Table(vars[variable], "", ""), nil
}

// ETL scenarios.

// The days the ETL scenarios load, one each, so all of them can run in
// one environment.
const (
	RunDate       = "2026-11-21" // etl/loaded
	PoorRunDate   = "2026-11-20" // etl/poor-quality
	BusyRunDate   = "2026-11-19" // etl/in-progress
	LoadedRunDate = "2026-11-18" // etl/already-loaded
	EmptyRunDate  = "2026-11-17" // etl/empty-day: no raw files at all
)

// SalesCSV builds a raw sales file of n rows sold on RunDate, of which the
// rows whose index is in bad have an invalid quantity.
func SalesCSV(n int, bad func(i int) bool) []byte {
	var b strings.Builder
	b.WriteString("order_id,sku,quantity,unit_price_cents,currency,sold_at,store_id\n")
	for i := 0; i < n; i++ {
		qty := fmt.Sprint(1 + i%5)
		if bad != nil && bad(i) {
			qty = "-1"
		}
		fmt.Fprintf(&b, "ord-%05d,SKU-%03d,%s,%d,eur,%sT%02d:%02d:00Z,store-%d\n", i, i%40, qty, 199+i%1000, RunDate, i%24, i%60, i%7)
	}
	return []byte(b.String())
}

// seedRaw puts raw files under raw/<date>/.
func seedRaw(date string, files map[string][]byte) func(env *Env) error {
	return func(env *Env) error {
		bucket := env.Functions[etl.StateStartRun][etl.EnvRawBucket]
		if bucket == "" {
			return fmt.Errorf("the StartRun function has no %s", etl.EnvRawBucket)
		}
		for name, data := range files {
			env.AWS.Bucket(bucket).Put("raw/"+date+"/"+name, data)
		}
		return nil
	}
}

func etlScenarios() []Scenario {
	goodFiles := func() map[string][]byte {
		return map[string][]byte{"store-a.csv": SalesCSV(500, nil), "store-b.csv": SalesCSV(250, func(i int) bool { return i == 7 })}
	}
	input := func(date string) func(*Env) ([]byte, error) { return staticInput(map[string]any{"runDate": date}) }
	claimed := func(date, status string, ago time.Duration) func(env *Env) error {
		return func(env *Env) error {
			if err := seedRaw(date, goodFiles())(env); err != nil {
				return err
			}
			return seedLedger(env, date, status, env.Engine.Clock().Now().Add(-ago))
		}
	}
	return []Scenario{
		{Name: "etl/loaded", Stack: StackETL, Summary: "two raw files pass the quality gate and the day's partition is loaded",
			Setup: seedRaw(RunDate, goodFiles()), Input: input(RunDate), WantStatus: asl.StatusSucceeded, WantEnd: etl.StateRunSucceeded,
			WantOutput: map[string]any{"runDate": RunDate, "run.alreadySucceeded": false, "quality.rowsIn": 750, "quality.rowsCurated": 749, "quality.rowsQuarantined": 1}},
		{Name: "etl/poor-quality", Stack: StackETL, Summary: "a quarter of the rows are invalid: the gate fails the run and alerts",
			Setup: seedRaw(PoorRunDate, map[string][]byte{"store-a.csv": SalesCSV(200, func(i int) bool { return i%4 == 0 })}),
			Input: input(PoorRunDate), WantStatus: asl.StatusFailed, WantEnd: etl.StateDataQualityFailed, WantCause: "25.00% of rows were rejected"},
		{Name: "etl/in-progress", Stack: StackETL, Summary: "another execution is loading the day: this one stops and leaves its claim alone",
			Setup: claimed(BusyRunDate, "RUNNING", time.Hour), Input: input(BusyRunDate), WantStatus: asl.StatusFailed, WantEnd: etl.StateRunInProgress,
			WantCause: "is being loaded by " + OtherExecution},
		{Name: "etl/empty-day", Stack: StackETL, Summary: "no raw file arrived for the day: the gate refuses to load nothing",
			Input: input(EmptyRunDate), WantStatus: asl.StatusFailed, WantEnd: etl.StateDataQualityFailed, WantCause: "only 0 rows were read", Seedless: true},
		{Name: "etl/already-loaded", Stack: StackETL, Summary: "the day was loaded by an earlier run: nothing is done twice",
			Setup: claimed(LoadedRunDate, "SUCCEEDED", 22*time.Hour), Input: input(LoadedRunDate), WantStatus: asl.StatusSucceeded, WantEnd: etl.StateRunAlreadySucceeded,
			WantOutput: map[string]any{"runDate": LoadedRunDate, "run.alreadySucceeded": true}},
	}
}

// OtherExecution is the execution that owns the ledger entries the ETL
// scenarios seed.
const OtherExecution = "arn:aws:states:us-east-1:123456789012:execution:EtlStateMachine:earlier"

// seedLedger records date in the run ledger as OtherExecution's.
func seedLedger(env *Env, date, status string, started time.Time) error {
	t, err := env.table(etl.StateStartRun, etl.EnvLedgerTable)
	if err != nil {
		return err
	}
	t.Put(map[string]any{"runDate": map[string]any{"S": date}, "status": map[string]any{"S": status},
		"executionId": map[string]any{"S": OtherExecution}, "startedAt": map[string]any{"S": started.UTC().Format(time.RFC3339)}})
	return nil
}

// Image scenarios.

// SampleJPEG encodes a w×h JPEG photograph-like gradient.
func SampleJPEG(w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), 128, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
		panic(err) // encoding to memory cannot fail for a valid image
	}
	return buf.Bytes()
}

// UploadEvent is the EventBridge event S3 sends for an upload.
func UploadEvent(bucket, key string, size int) map[string]any {
	return map[string]any{
		"version": "0", "id": "e7c1f1c4-0000-4000-8000-000000000001", "detail-type": "Object Created", "source": "aws.s3",
		"account": "123456789012", "time": "2026-11-22T00:00:00Z", "region": "eu-west-1",
		"detail": map[string]any{
			"version": "0",
			"bucket":  map[string]any{"name": bucket},
			"object":  map[string]any{"key": key, "size": size, "etag": "d41d8cd98f00b204e9800998ecf8427e", "sequencer": "0062E99A88DC407460"},
			"reason":  "PutObject",
		},
	}
}

func upload(key string, data func() []byte, labels, moderation []any) (func(*Env) error, func(*Env) ([]byte, error)) {
	bucketOf := func(env *Env) (string, error) {
		b := env.Functions[images.StateExtractMetadata][images.EnvImagesBucket]
		if b == "" {
			return "", fmt.Errorf("the ExtractMetadata function has no %s", images.EnvImagesBucket)
		}
		return b, nil
	}
	setup := func(env *Env) error {
		b, err := bucketOf(env)
		if err != nil {
			return err
		}
		env.AWS.Bucket(b).Put(key, data())
		env.Recognize(key, labels, moderation)
		return nil
	}
	input := func(env *Env) ([]byte, error) {
		b, err := bucketOf(env)
		if err != nil {
			return nil, err
		}
		return json.Marshal(UploadEvent(b, key, len(data())))
	}
	return setup, input
}

// samplePhoto is encoded once, when a scenario first needs it.
var samplePhoto = sync.OnceValue(func() []byte { return SampleJPEG(1200, 800) })

// Labels Rekognition finds in the sample photograph.
var sampleLabels = []any{
	map[string]any{"Name": "Dog", "Confidence": 98.2, "Parents": []any{map[string]any{"Name": "Animal"}, map[string]any{"Name": "Pet"}}, "Categories": []any{map[string]any{"Name": "Animals and Pets"}}, "Instances": []any{map[string]any{}}},
	map[string]any{"Name": "Beach", "Confidence": 91.5, "Parents": []any{map[string]any{"Name": "Outdoors"}}, "Categories": []any{map[string]any{"Name": "Nature and Outdoors"}}},
}

func imageScenarios() []Scenario {
	photo := samplePhoto
	text := func() []byte { return []byte("these are not the pixels you are looking for") }
	okSetup, okInput := upload("uploads/user-42/beach-dog.jpg", photo, sampleLabels, nil)
	unsafeSetup, unsafeInput := upload("uploads/user-42/unsafe.jpg", photo, sampleLabels,
		[]any{map[string]any{"Name": "Graphic Violence", "ParentName": "Violence", "Confidence": 97.1}})
	textSetup, textInput := upload("uploads/user-42/notes.jpg", text, nil, nil)
	_, goneInput := upload("uploads/user-42/deleted.jpg", photo, nil, nil)
	foreignSetup, foreignInput := upload("uploads/user-42/../../config/settings.jpg", photo, nil, nil)
	return []Scenario{
		{Name: "image/processed", Stack: StackImageProcessing, Summary: "a photo gets metadata, labels, thumbnails and insights, stored and announced",
			Setup: okSetup, Input: okInput, WantStatus: asl.StatusSucceeded, WantEnd: images.StateImageProcessed,
			WantOutput: map[string]any{"image.format": "jpeg", "image.width": 1200, "insights.aspectRatio": "3:2", "insights.moderation.reviewed": true}},
		{Name: "image/quarantined", Stack: StackImageProcessing, Summary: "moderation flags the photo: it is moved to quarantine and the owner told",
			Setup: unsafeSetup, Input: unsafeInput, WantStatus: asl.StatusSucceeded, WantEnd: images.StateImageQuarantined,
			WantOutput: map[string]any{"quarantine.Error": images.ErrorUnsafeContent}},
		{Name: "image/not-an-image", Stack: StackImageProcessing, Summary: "a text file named .jpg is quarantined as an unsupported image",
			Setup: textSetup, Input: textInput, WantStatus: asl.StatusSucceeded, WantEnd: images.StateImageQuarantined,
			WantOutput: map[string]any{"quarantine.Error": images.ErrorUnsupportedImage}},
		{Name: "image/gone", Stack: StackImageProcessing, Summary: "the upload was deleted before the workflow ran: nothing to do",
			Input: goneInput, WantStatus: asl.StatusSucceeded, WantEnd: images.StateNothingToDo,
			WantOutput: map[string]any{"error.Error": images.ErrorImageGone}},
		{Name: "image/foreign-key", Stack: StackImageProcessing, Summary: "an event for a key outside uploads/{userId}/ fails as InvalidImageEvent",
			Setup: foreignSetup, Input: foreignInput, WantStatus: asl.StatusFailed, WantEnd: images.StateProcessingFailed,
			WantCause: `"errorType":"` + images.ErrorInvalidImageEvent + `"`, Seedless: true},
	}
}
