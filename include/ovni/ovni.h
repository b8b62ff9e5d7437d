/* ovni: GPU-native video processing. The umbrella header. */
#ifndef OVNI_OVNI_H
#define OVNI_OVNI_H

#include "error.h"
#include "device.h"
#include "frame.h"
#include "ops.h"
#include "image.h"
#include "reader.h"
#include "writer.h"
#include "ass.h"

#endif
