package imagemeta

import (
	"context"
	"strings"
	"testing"

	"github.com/sfnkit/sfnkit/lambdas/objectstore"
	"github.com/sfnkit/sfnkit/workflows/imageprocessing/contract"
)

func TestEnvFromReadsTheBucketAndLimits(t *testing.T) {
	vars := map[string]string{contract.EnvImagesBucket: bucket, contract.EnvMaxPixels: "1000", contract.EnvMaxBytes: "2000"}
	env, err := EnvFrom(func(name string) string { return vars[name] })
	if want := (Env{ImagesBucket: bucket, Limits: Limits{MaxPixels: 1000, MaxBytes: 2000}}); err != nil || env != want {
		t.Errorf("EnvFrom = %+v, %v; want %+v", env, err, want)
	}
	vars[contract.EnvMaxPixels] = "many"
	delete(vars, contract.EnvImagesBucket)
	_, err = EnvFrom(func(name string) string { return vars[name] })
	for _, name := range []string{contract.EnvImagesBucket, contract.EnvMaxPixels} {
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("EnvFrom = %v; want an error naming %s", err, name)
		}
	}
}

func TestNewReadsTheImagesBucket(t *testing.T) {
	stores := map[string]*objectstore.Memory{bucket: {}}
	clients := Clients{S3: func(name string) objectstore.Bucket { return stores[name] }}
	x, err := New(Env{ImagesBucket: bucket, Limits: DefaultLimits}, clients)
	if err != nil {
		t.Fatal(err)
	}
	stores[bucket].Put("uploads/u/a.png", encode(t, "png", picture(3, 2)))
	if img, err := x.Handle(context.Background(), event("uploads/u/a.png")); err != nil || img.Width != 3 || img.Height != 2 {
		t.Errorf("Handle = %+v, %v; want the 3×2 upload from the images bucket", img, err)
	}
	for _, tt := range []struct {
		env     Env
		clients Clients
		want    string
	}{
		{Env{Limits: DefaultLimits}, clients, "Env.ImagesBucket"},
		{Env{ImagesBucket: bucket, Limits: Limits{MaxPixels: 1}}, clients, "Env.Limits"},
		{Env{ImagesBucket: bucket, Limits: DefaultLimits}, Clients{}, "Clients.S3"},
	} {
		if _, err := New(tt.env, tt.clients); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("New(%+v) = %v; want an error naming %s", tt.env, err, tt.want)
		}
	}
}
