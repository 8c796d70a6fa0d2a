package insights

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"sort"
	"strings"
	"testing"
)

const event = `{
  "image": {"bucket": "images", "key": "uploads/u1/beach.jpg", "userId": "u1", "etag": "e1", "format": "jpeg", "width": 4000, "height": 3000, "bytes": 2500000},
  "labels": [
    {"Name": "Sand", "Confidence": 88.21, "Categories": [{"Name": "Nature and Outdoors"}]},
    {"Name": "Dog", "Confidence": 97.55, "Categories": [{"Name": "Animals and Pets"}], "Parents": [{"Name": "Pet"}, {"Name": "Animal"}]},
    {"Name": "Person", "Confidence": 91.0, "Categories": [{"Name": "Person Description"}], "Instances": [{}, {}]},
    {"Name": "Beach", "Confidence": 93.0, "Categories": [{"Name": "Nature and Outdoors"}]},
    {"Name": "Frisbee", "Confidence": 40.0, "Categories": [{"Name": "Sports"}]}
  ],
  "moderation": [{"Name": "Swimwear or Underwear", "Confidence": 12.34}],
  "thumbnails": [{"size": 128, "key": "processed/u1/beach.jpg/128.jpg", "width": 128, "height": 96, "contentType": "image/jpeg", "bytes": 4000}],
  "preferences": {"Item": {"userId": {"S": "u1"}, "interests": {"SS": ["dogs", "Frisbee", "mountains", "pets"]}, "minConfidence": {"N": "80"}}}
}`

func TestInsight(t *testing.T) {
	var in Input
	if err := json.Unmarshal([]byte(event), &in); err != nil {
		t.Fatal(err)
	}
	got, err := Generator{}.Handle(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if got.Megapixels != 12 || got.Orientation != "landscape" || got.AspectRatio != "4:3" || got.People != 2 {
		t.Errorf("shape: %+v", got)
	}
	wantLabels := []ScoredLabel{{"Dog", 97.6}, {"Beach", 93}, {"Person", 91}, {"Sand", 88.2}}
	if !reflect.DeepEqual(got.Labels, wantLabels) {
		t.Errorf("labels = %v, want %v (Frisbee is below the user's 80%%)", got.Labels, wantLabels)
	}
	if got.Caption != "Dog, Beach and Person" {
		t.Errorf("caption = %q", got.Caption)
	}
	if !reflect.DeepEqual(got.Categories, []string{"Nature and Outdoors", "Animals and Pets", "Person Description"}) {
		t.Errorf("categories = %v", got.Categories)
	}
	if !reflect.DeepEqual(got.MatchedInterests, []string{"dogs", "pets"}) || !got.Highlight {
		t.Errorf("interests = %v", got.MatchedInterests)
	}
	if !reflect.DeepEqual(got.Tags, []string{"beach", "dog", "person", "sand"}) {
		t.Errorf("tags = %v", got.Tags)
	}
	if !got.Moderation.Reviewed || got.Moderation.MaxConfidence != 12.3 || len(got.Thumbnails) != 1 {
		t.Errorf("moderation %+v, thumbnails %v", got.Moderation, got.Thumbnails)
	}
}

func TestNoPreferencesUsesDefaults(t *testing.T) {
	in := Input{}
	in.Image.Key, in.Image.UserID, in.Image.Width, in.Image.Height = "uploads/u/x.png", "u", 100, 100
	in.Labels = []Label{{Name: "Frisbee", Confidence: 75}}
	got, err := Generator{}.Handle(context.Background(), in)
	if err != nil || len(got.Labels) != 1 || got.Highlight || got.Orientation != "square" || got.AspectRatio != "1:1" {
		t.Errorf("got %+v, %v", got, err)
	}
	empty, _ := Generator{}.Handle(context.Background(), Input{Image: in.Image})
	if empty.Caption != "A picture" || empty.Labels == nil || empty.MatchedInterests == nil {
		t.Errorf("an unlabelled picture: %+v", empty)
	}
}

func TestRejectsBadInput(t *testing.T) {
	good := Input{}
	good.Image.Key, good.Image.UserID, good.Image.Width, good.Image.Height = "k", "u", 1, 1
	tests := map[string]func(*Input){
		"no image":            func(in *Input) { in.Image.Key = "" },
		"zero width":          func(in *Input) { in.Image.Width = 0 },
		"confidence 150":      func(in *Input) { in.Labels = []Label{{Name: "x", Confidence: 150}} },
		"empty label":         func(in *Input) { in.Labels = []Label{{Confidence: 50}} },
		"too many labels":     func(in *Input) { in.Labels = make([]Label, 1001) },
		"moderation over 100": func(in *Input) { in.Moderation = []ModerationLabel{{Name: "x", Confidence: 101}} },
	}
	for name, mutate := range tests {
		in := good
		mutate(&in)
		var invalid *InvalidInsightInput
		if _, err := (Generator{}).Handle(context.Background(), in); !errors.As(err, &invalid) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// FuzzHandle builds an input from every fuzz case (no case is skipped):
// labels from newline-separated names and one confidence byte each (half a percent a step, up to 127.5), and a
// preferences item from raw DynamoDB JSON, which falls back to the
// defaults when it does not decode. Handle either refuses the input as
// InvalidInsightInput, exactly when a label is not one Rekognition could
// return, or accounts for every label: it is shown, below the user's
// threshold, or past the top ten; and every confident label is tagged.
func FuzzHandle(f *testing.F) {
	f.Add("Dog\nBeach\nFrisbee", []byte{194, 186, 80}, `{"minConfidence": {"N": "80"}, "interests": {"SS": ["dogs"]}}`)
	f.Add("A\nB\nC\nD\nE\nF\nG\nH\nI\nJ\nK\nL", []byte{180, 182, 184, 186, 188, 190, 192, 194, 196, 198, 200, 178}, `{}`)
	f.Add("Same\nSame\nsame!", []byte{140, 138, 140}, `{"interests": {"SS": 5}, "minConfidence": {"N": "lots"}}`)
	f.Add("x\n\ny", []byte{255, 0, 100}, `{"interests": {"L": [{"N": "1"}, {"S": "dog"}]}}`)
	f.Add("", []byte{}, `not json`)
	f.Fuzz(func(t *testing.T, names string, confidences []byte, prefs string) {
		in := Input{}
		in.Image.Key, in.Image.UserID, in.Image.Width, in.Image.Height = "uploads/u/x.jpg", "u", 640, 480
		for i, name := range strings.Split(names, "\n") {
			if i >= len(confidences) {
				break
			}
			in.Labels = append(in.Labels, Label{Name: name, Confidence: float64(confidences[i]) / 2})
		}
		_ = json.Unmarshal([]byte(prefs), &in.Preferences.Item)
		threshold := readPreferences(in.Preferences.Item).minConfidence

		got, err := Generator{}.Handle(context.Background(), in)
		valid := true
		for _, l := range in.Labels {
			valid = valid && l.Name != "" && len(l.Name) <= maxNameBytes && l.Confidence <= 100
		}
		var invalid *InvalidInsightInput
		if !valid {
			if !errors.As(err, &invalid) {
				t.Fatalf("labels %+v: %v; want InvalidInsightInput", in.Labels, err)
			}
			return
		}
		if err != nil {
			t.Fatalf("labels %+v: %v", in.Labels, err)
		}

		confident, below := map[string]int{}, 0
		wantTags := map[string]bool{}
		for _, l := range in.Labels {
			if l.Confidence < threshold {
				below++
				continue
			}
			confident[l.Name]++
			if s := slug(l.Name); s != "" {
				wantTags[s] = true
			}
		}
		shown := len(got.Labels)
		pastTop := len(in.Labels) - below - shown
		if shown > topLabels || pastTop < 0 || (pastTop > 0 && shown != topLabels) {
			t.Fatalf("%d labels, %d below %v%%: %d shown, %d unaccounted for; want every confident label shown, up to %d", len(in.Labels), below, threshold, shown, pastTop, topLabels)
		}
		var top []float64
		for _, l := range in.Labels {
			if l.Confidence >= threshold {
				top = append(top, l.Confidence)
			}
		}
		sort.Sort(sort.Reverse(sort.Float64Slice(top)))
		for i, l := range got.Labels {
			if l.Confidence != math.Round(top[i]*10)/10 {
				t.Fatalf("shown label %d has confidence %v; the %d most confident inputs have %v", i, l.Confidence, shown, top[:shown])
			}
			if confident[l.Name] == 0 {
				t.Fatalf("shown label %q is not a confident input label (threshold %v%%): %+v", l.Name, threshold, in.Labels)
			}
			confident[l.Name]--
			if i > 0 && l.Confidence > got.Labels[i-1].Confidence {
				t.Fatalf("labels are not most confident first: %+v", got.Labels)
			}
		}
		for _, tag := range got.Tags {
			if !wantTags[tag] {
				t.Fatalf("tag %q comes from no confident label", tag)
			}
			delete(wantTags, tag)
		}
		if len(wantTags) > 0 {
			t.Fatalf("confident labels without a tag: %v (tags %v)", wantTags, got.Tags)
		}
	})
}

// TestPortraitPhoneShot: a phone stores a portrait photo as landscape
// pixels with EXIF orientation 6; ExtractMetadata reports the displayed
// size, and the insight says portrait and keeps the raw tag.
func TestPortraitPhoneShot(t *testing.T) {
	var in Input
	if err := json.Unmarshal([]byte(event), &in); err != nil {
		t.Fatal(err)
	}
	in.Image.Width, in.Image.Height = 3000, 4000
	in.Image.StoredWidth, in.Image.StoredHeight, in.Image.Orientation = 4000, 3000, 6
	got, err := Generator{}.Handle(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if got.Width != 3000 || got.Height != 4000 || got.Orientation != "portrait" || got.AspectRatio != "3:4" || got.ExifOrientation != 6 {
		t.Errorf("got %dx%d %s %s exif %d; want 3000x4000 portrait 3:4 exif 6", got.Width, got.Height, got.Orientation, got.AspectRatio, got.ExifOrientation)
	}
	if got.Thumbnails[0].Key != "processed/u1/beach.jpg/128.jpg" {
		t.Errorf("the insight must carry the thumbnail keys: %+v", got.Thumbnails)
	}
}
