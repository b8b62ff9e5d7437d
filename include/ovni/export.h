/* ovni: symbol visibility. The library is built with -fvisibility=hidden; only
 * declarations marked OVNI_API are exported. */
#ifndef OVNI_EXPORT_H
#define OVNI_EXPORT_H

#if defined(OVNI_BUILDING_LIBRARY) && defined(__GNUC__)
#define OVNI_API __attribute__((visibility("default")))
#else
#define OVNI_API
#endif

#endif
