// Argument validation shared by every export. Nothing here makes a syscall.
#include "sockfd.h"

#include <cerrno>
#include <climits>
#include <cmath>

namespace sockfd {

namespace {

// The hot path of every call: one N-API call both checks that v is a number and reads it, so a present
// argument costs no separate type check (napi_typeof).
bool ReadNumber(Napi::Value v, double* d) { return napi_get_value_double(v.Env(), v, d) == napi_ok; }

int64_t CheckedInteger(Napi::Value v, double d, const char* name, int64_t min, int64_t max) {
  if (d != std::trunc(d))  // also NaN and the infinities
    ThrowOutOfRange(v.Env(), name, "an integer", v);
  if (d < static_cast<double>(min) || d > static_cast<double>(max))
    ThrowOutOfRange(v.Env(), name, ">= " + std::to_string(min) + " && <= " + std::to_string(max), v);
  return static_cast<int64_t>(d);
}

// The bytes of a TypedArray or DataView, or false: asking for a TypedArray's info is also the test
// that it is one (napi_invalid_arg otherwise), so the common case is one N-API call.
bool TryView(Napi::Value v, Bytes* out) {
  napi_env env = v.Env();
  void* data = nullptr;
  napi_typedarray_type type;
  size_t count = 0;
  if (napi_get_typedarray_info(env, v, &type, &count, &data, nullptr, nullptr) == napi_ok) {
    size_t width = 1;
    switch (type) {
      case napi_int16_array:
      case napi_uint16_array:
        width = 2;
        break;
      case napi_int32_array:
      case napi_uint32_array:
      case napi_float32_array:
        width = 4;
        break;
      case napi_float64_array:
      case napi_bigint64_array:
      case napi_biguint64_array:
        width = 8;
        break;
      default:
        break;
    }
    out->length = count * width;
  } else if (napi_get_dataview_info(env, v, &out->length, &data, nullptr, nullptr) != napi_ok) {
    return false;
  }
  // A detached buffer reports no data; treat it as empty rather than hand the kernel a null pointer.
  out->data = static_cast<uint8_t*>(data);
  if (out->data == nullptr) out->length = 0;
  return true;
}

}  // namespace

int64_t IntegerArg(Napi::Value v, const char* name, int64_t min, int64_t max) {
  double d;
  if (!ReadNumber(v, &d)) ThrowInvalidArgType(v.Env(), name, "of type number", v);
  return CheckedInteger(v, d, name, min, max);
}

int64_t IntegerArgOr(Napi::Value v, const char* name, int64_t min, int64_t max, int64_t missing) {
  double d;
  if (ReadNumber(v, &d)) return CheckedInteger(v, d, name, min, max);
  if (IsMissing(v)) return missing;
  ThrowInvalidArgType(v.Env(), name, "of type number", v);
}

bool IsView(Napi::Value v) { return v.IsTypedArray() || v.IsDataView(); }

Bytes ViewArg(Napi::Value v, const char* name) {
  Bytes b;
  if (!TryView(v, &b)) ThrowInvalidArgType(v.Env(), name, "an instance of Buffer, TypedArray, or DataView", v);
  return b;
}

Bytes DataArg(Napi::Value v, const char* name, std::string& storage) {
  Bytes b;
  if (TryView(v, &b)) return b;
  if (!v.IsString()) ThrowInvalidArgType(v.Env(), name, "of type string or an instance of Buffer, TypedArray, or DataView", v);
  storage = v.As<Napi::String>().Utf8Value();
  return Bytes{reinterpret_cast<uint8_t*>(storage.data()), storage.size()};
}

size_t LengthArg(Napi::Value v, const char* name, size_t max) {
  return static_cast<size_t>(IntegerArgOr(v, name, 0, static_cast<int64_t>(max), static_cast<int64_t>(max)));
}

std::vector<Napi::Value> ArrayItems(Napi::Value v, const char* name, const char* syscall) {
  if (!v.IsArray()) ThrowInvalidArgType(v.Env(), name, "an instance of Array", v);
  Napi::Array array = v.As<Napi::Array>();
  if (array.Length() > IOV_MAX) ThrowErrno(v.Env(), EINVAL, syscall);
  std::vector<Napi::Value> items(array.Length());
  for (uint32_t i = 0; i < items.size(); i++) items[i] = array.Get(i);
  return items;
}

Napi::Object ObjectArg(Napi::Value v, const std::string& name) {
  if (!v.IsObject() || v.IsFunction() || v.IsArray() || IsView(v)) ThrowInvalidArgType(v.Env(), name.c_str(), "of type object", v);
  return v.As<Napi::Object>();
}

uint32_t OptionalU32(Napi::Object o, const char* key, const char* name, uint32_t max) {
  Napi::Value v = o.Get(key);
  return IsMissing(v) ? 0 : static_cast<uint32_t>(IntegerArg(v, name, 0, max));
}

std::string StringArg(Napi::Value v, const char* name) {
  if (!v.IsString()) ThrowInvalidArgType(v.Env(), name, "of type string", v);
  return v.As<Napi::String>().Utf8Value();
}

}  // namespace sockfd
