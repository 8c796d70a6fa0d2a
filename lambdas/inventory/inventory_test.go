package inventory

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
)

func newWarehouse() (*Service, *MemoryStore) {
	store := &MemoryStore{}
	store.SetStock("SKU-A", 5)
	store.SetStock("SKU-B", 1)
	return &Service{Store: store}, store
}

func TestReserveAllOrNothing(t *testing.T) {
	ctx := context.Background()
	svc, store := newWarehouse()

	// WHEN one line of two is short
	_, err := svc.Reserve(ctx, ReserveInput{OrderID: "o1", Items: []Line{{"SKU-A", 2}, {"SKU-B", 2}}})

	// THEN OutOfStock names it and no stock moved
	var oos *OutOfStock
	if !errors.As(err, &oos) || !reflect.DeepEqual(oos.SKUs, []string{"SKU-B"}) {
		t.Fatalf("err = %v, want OutOfStock [SKU-B]", err)
	}
	if store.Stock("SKU-A") != 5 || store.Stock("SKU-B") != 1 {
		t.Errorf("stock moved: A=%d B=%d", store.Stock("SKU-A"), store.Stock("SKU-B"))
	}
}

func TestReserveIdempotentAndRelease(t *testing.T) {
	ctx := context.Background()
	svc, store := newWarehouse()
	in := ReserveInput{OrderID: "o2", Items: []Line{{"SKU-A", 1}, {"SKU-A", 2}, {"SKU-B", 1}}}
	for i := 0; i < 3; i++ {
		res, err := svc.Reserve(ctx, in)
		if err != nil || res.Lines != 2 || res.Units != 4 {
			t.Fatalf("reserve %d = %+v, %v", i, res, err)
		}
	}
	if store.Stock("SKU-A") != 2 || store.Stock("SKU-B") != 0 {
		t.Errorf("after reserve: A=%d B=%d, want 2 and 0", store.Stock("SKU-A"), store.Stock("SKU-B"))
	}
	var conflict *ReservationConflict
	if _, err := svc.Reserve(ctx, ReserveInput{OrderID: "o2", Items: []Line{{"SKU-A", 1}}}); !errors.As(err, &conflict) {
		t.Errorf("re-reserve with other lines: %v, want ReservationConflict", err)
	}
	for i, want := range []bool{true, false, false} {
		rel, err := svc.Release(ctx, ReleaseInput{OrderID: "o2"})
		if err != nil || rel.Released != want {
			t.Fatalf("release %d = %+v, %v; want released=%v", i, rel, err, want)
		}
	}
	if store.Stock("SKU-A") != 5 || store.Stock("SKU-B") != 1 {
		t.Errorf("after release: A=%d B=%d", store.Stock("SKU-A"), store.Stock("SKU-B"))
	}
	if rel, err := svc.Release(ctx, ReleaseInput{OrderID: "never-reserved"}); err != nil || rel.Released {
		t.Errorf("release of unknown order = %+v, %v", rel, err)
	}
}

func TestReserveConcurrentOrdersNeverOversell(t *testing.T) {
	ctx := context.Background()
	svc, store := newWarehouse()
	var wg sync.WaitGroup
	var mu sync.Mutex
	won := 0
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, err := svc.Reserve(ctx, ReserveInput{OrderID: "c" + string(rune('a'+i)), Items: []Line{{"SKU-A", 2}}})
			if err == nil {
				mu.Lock()
				won++
				mu.Unlock()
			}
		}(i)
	}
	wg.Wait()
	if won != 2 || store.Stock("SKU-A") != 1 {
		t.Errorf("%d orders won, stock %d; want 2 and 1", won, store.Stock("SKU-A"))
	}
}

func TestReserveRejectsBadInput(t *testing.T) {
	svc, _ := newWarehouse()
	tests := []ReserveInput{
		{OrderID: "", Items: []Line{{"SKU-A", 1}}},
		{OrderID: "o", Items: nil},
		{OrderID: "o", Items: []Line{{"", 1}}},
		{OrderID: "o", Items: []Line{{"SKU-A", 0}}},
		{OrderID: "o", Items: []Line{{"SKU-A", -5}}},
		{OrderID: "o", Items: []Line{{"SKU A; DROP", 1}}},
		{OrderID: "o", Items: make([]Line, 100)},
	}
	for _, in := range tests {
		var invalid *InvalidInventoryRequest
		if _, err := svc.Reserve(context.Background(), in); !errors.As(err, &invalid) {
			t.Errorf("Reserve(%+v) = %v, want InvalidInventoryRequest", in, err)
		}
	}
	var invalid *InvalidInventoryRequest
	if _, err := svc.Release(context.Background(), ReleaseInput{OrderID: strings.Repeat("x", 65)}); !errors.As(err, &invalid) {
		t.Errorf("Release with long id = %v", err)
	}
}
