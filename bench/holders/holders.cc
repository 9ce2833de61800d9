// How a waiting operation should keep its buffer alive, measured: the napi_ref it takes today
// (napi_create_reference, napi_get_reference_value before the retry, napi_delete_reference), against
// the reused structure the speed issue proposed (one JS array held by the engine, a free slot per
// waiting buffer: set, read back, cleared). run.sh counts each with callgrind. Not part of the addon.
#include <node_api.h>

#include <cstdint>
#include <vector>

namespace {

napi_ref held = nullptr;  // the reused array
std::vector<uint32_t> free_slots;
uint32_t next_slot = 0;

// run(mode, n, view): n holds of view, each in a handle scope of its own as an engine event has.
// mode 0: a napi_ref; 1: a slot of the held array; 2: only the handle scope (the floor).
napi_value Run(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  int32_t mode = 0, n = 0;
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  napi_get_value_int32(env, argv[0], &mode);
  napi_get_value_int32(env, argv[1], &n);
  napi_value view = argv[2], undefined, array, got;
  napi_get_undefined(env, &undefined);
  if (held == nullptr) {
    napi_create_array(env, &array);
    napi_create_reference(env, array, 1, &held);
  }
  for (int i = 0; i < n; i++) {
    napi_handle_scope scope;
    napi_open_handle_scope(env, &scope);
    if (mode == 0) {
      napi_ref ref;
      napi_create_reference(env, view, 1, &ref);  // Hold
      napi_get_reference_value(env, ref, &got);   // Refresh
      napi_delete_reference(env, ref);            // the operation ends
    } else if (mode == 1) {
      uint32_t slot = next_slot;
      if (free_slots.empty()) next_slot++;
      else slot = free_slots.back(), free_slots.pop_back();
      napi_get_reference_value(env, held, &array);
      napi_set_element(env, array, slot, view);
      napi_get_reference_value(env, held, &array);
      napi_get_element(env, array, slot, &got);
      napi_get_reference_value(env, held, &array);
      napi_set_element(env, array, slot, undefined);
      free_slots.push_back(slot);
    }
    napi_close_handle_scope(env, scope);
  }
  return nullptr;
}

}  // namespace

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "run", NAPI_AUTO_LENGTH, Run, nullptr, &fn);
  napi_set_named_property(env, exports, "run", fn);
  return exports;
}
