package behaviour_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	_ "image/jpeg"
	"reflect"
	"strings"
	"testing"

	"github.com/sfnkit/sfnkit/asl"
	"github.com/sfnkit/sfnkit/local/harness"
	images "github.com/sfnkit/sfnkit/workflows/imageprocessing/contract"
)

// imageWorld is what an image execution left behind.
type imageWorld struct {
	env *harness.Env
	out harness.Outcome
}

func playImage(t *testing.T, s harness.Scenario, env *harness.Env) imageWorld {
	t.Helper()
	return imageWorld{env: env, out: play(t, s, env)}
}

func (w imageWorld) bucket(t *testing.T) interface {
	Get(string) ([]byte, bool)
	Keys() []string
} {
	t.Helper()
	return w.env.AWS.Bucket(w.env.Functions[images.StateExtractMetadata][images.EnvImagesBucket])
}

func (w imageWorld) notifications(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, m := range messages(t, w.env, "AWS::SNS::Topic", "Notifications") {
		var body map[string]any
		if err := json.Unmarshal([]byte(m.Body), &body); err != nil {
			t.Fatal(err)
		}
		out = append(out, body)
	}
	return out
}

func TestImageProcessed(t *testing.T) {
	s := scenario(t, "image/processed")
	env := newEnv(t, s.Stack)
	// The owner likes dogs, but only when Rekognition is quite sure.
	table(t, env, "PreferencesTable").Put(map[string]any{"userId": map[string]any{"S": "user-42"},
		"interests": map[string]any{"SS": []any{"dog", "cats"}}, "minConfidence": map[string]any{"N": "95"}})
	w := playImage(t, s, env)

	thumbs, _ := field(w.out.Result.Output, "analysis", "thumbnails").([]any)
	if len(thumbs) == 0 {
		t.Fatal("no thumbnails")
	}
	for _, th := range thumbs {
		key, _ := field(th, "key").(string)
		data, ok := w.bucket(t).Get(key)
		if !ok || !strings.HasPrefix(key, "processed/user-42/") {
			t.Fatalf("thumbnail %s is missing or outside processed/{userId}/", key)
		}
		cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
		if err != nil || format != "jpeg" || cfg.Width != int(field(th, "width").(float64)) || cfg.Height != int(field(th, "height").(float64)) {
			t.Errorf("thumbnail %s decodes as %s %dx%d (%v); the record says %v", key, format, cfg.Width, cfg.Height, err, th)
		}
		if max(cfg.Width, cfg.Height) != int(field(th, "size").(float64)) || cfg.Width*800 != cfg.Height*1200 && abs(cfg.Width*800-cfg.Height*1200) > 1200 {
			t.Errorf("thumbnail %s is %dx%d: want the long side at its size and the 3:2 aspect kept", key, cfg.Width, cfg.Height)
		}
	}
	insights := field(w.out.Result.Output, "insights")
	if !reflect.DeepEqual(field(insights, "matchedInterests"), []any{"dog"}) || field(insights, "highlight") != true {
		t.Errorf("insights %v: want the dog matched and highlighted", insights)
	}
	results := table(t, env, "ResultsTable").Items()
	if len(results) != 1 || attr(results[0], "imageKey") != "uploads/user-42/beach-dog.jpg" || !strings.Contains(attr(results[0], "insight"), `"caption":"Dog"`) {
		t.Errorf("results %v", results)
	}
	if n := w.notifications(t); len(n) != 1 || n[0]["event"] != "ImageProcessed" {
		t.Errorf("notifications %v", n)
	}
	if _, ok := w.bucket(t).Get("uploads/user-42/beach-dog.jpg"); !ok {
		t.Error("the original was removed")
	}
}

// TestRepeatedEventIsProcessedOnce delivers the same upload event twice,
// as EventBridge may: the conditional write stops the second execution
// before it notifies anyone again.
func TestRepeatedEventIsProcessedOnce(t *testing.T) {
	s := scenario(t, "image/processed")
	env := newEnv(t, s.Stack)
	w := playImage(t, s, env)
	input, err := s.Input(env)
	if err != nil {
		t.Fatal(err)
	}
	x, err := env.Engine.Start(context.Background(), env.Machine, input, "")
	if err != nil {
		t.Fatal(err)
	}
	res, err := x.Wait(context.Background())
	if path := harness.Path(x.History()); err != nil || res.Status != asl.StatusSucceeded || path[len(path)-1] != images.StateAlreadyProcessed {
		t.Fatalf("second delivery: %s, path %v, %v", res.Status, path, err)
	}
	if n := w.notifications(t); len(n) != 1 {
		t.Errorf("%d notifications for one upload", len(n))
	}
}

func TestImageQuarantined(t *testing.T) {
	s := scenario(t, "image/quarantined")
	w := playImage(t, s, newEnv(t, s.Stack))
	if _, ok := w.bucket(t).Get("uploads/user-42/unsafe.jpg"); ok {
		t.Error("the unsafe upload is still under uploads/")
	}
	if _, ok := w.bucket(t).Get("quarantine/uploads/user-42/unsafe.jpg"); !ok {
		t.Errorf("no quarantined copy; keys %v", w.bucket(t).Keys())
	}
	for _, key := range w.bucket(t).Keys() {
		if strings.HasPrefix(key, "processed/") {
			t.Errorf("thumbnail %s of a quarantined image was kept", key)
		}
	}
	if len(table(t, w.env, "ResultsTable").Items()) != 0 {
		t.Error("insights were stored for a quarantined image")
	}
	if n := w.notifications(t); len(n) != 1 || n[0]["event"] != "ImageQuarantined" || !strings.Contains(fmtJSON(n[0]), "Graphic Violence") {
		t.Errorf("notifications %v: want one ImageQuarantined naming the moderation label", n)
	}
}

func TestNotAnImageIsQuarantinedWithItsReason(t *testing.T) {
	s := scenario(t, "image/not-an-image")
	w := playImage(t, s, newEnv(t, s.Stack))
	if contains(w.out.Path, images.StateAnalyze) {
		t.Errorf("path %v: a non-image reached Rekognition", w.out.Path)
	}
	if n := w.notifications(t); len(n) != 1 || !strings.Contains(fmtJSON(n[0]), "UnsupportedImage") {
		t.Errorf("notifications %v: want the UnsupportedImage reason", n)
	}
}

func TestGoneAndForeignUploadsTouchNothing(t *testing.T) {
	for _, name := range []string{"image/gone", "image/foreign-key"} {
		s := scenario(t, name)
		w := playImage(t, s, newEnv(t, s.Stack))
		if len(w.notifications(t)) != 0 || len(table(t, w.env, "ResultsTable").Items()) != 0 {
			t.Errorf("%s notified or stored something", name)
		}
	}
}

func fmtJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
