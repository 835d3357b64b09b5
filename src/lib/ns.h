/* Namespaces: the one table of linux.namespaces types and their CLONE_NEW*
 * flags, the one writer of user namespace id maps, and the init's
 * namespaces beyond what clone3 made: joining the ones given by path (user
 * first), the new ones made after joining a user namespace (so that they
 * are owned by it), and a new time namespace's offsets. */
#ifndef MINIRUN_NS_H
#define MINIRUN_NS_H

#include <stdint.h>
#include <sys/types.h>

#include "spec/oci-model.gen.h"
#include "util/error.h"

/* The CLONE_NEW* flag of a linux.namespaces type ("mount" ...), 0 when the
 * type is unknown. */
int mr_ns_flag(const char *type);

/* The CLONE_NEW* flags of the namespaces l lists without a path: those the
 * container gets new. */
uint64_t mr_ns_new_flags(const struct oci_linux *l);

/* The CLONE_NEW* flags of every namespace l lists, new or joined: those an
 * exec'd process shares with the init. */
int mr_ns_listed_flags(const struct oci_linux *l);

/* Write the gid map, then the uid map, of the user namespace of `pid` (in
 * one write each: the kernel takes a map whole or not at all). Errors
 * name `<where>gidMappings` or `<where>uidMappings` ("linux." for the
 * container's, "" for a mount's) and the file. */
int mr_ns_write_id_maps(pid_t pid, const struct oci_id_mapping *uids, size_t n_uids,
			const struct oci_id_mapping *gids, size_t n_gids, const char *where, struct mr_error **err);

/* setns into every linux.namespaces[] that has a path, the user namespace
 * first (the others may be owned by it). */
int mr_ns_join_paths(const struct oci_config *cfg, struct mr_error **err);

/* setns into l->namespaces[i] (which has a path) as a namespace of kind
 * `flag` (CLONE_NEW*); a file of another kind is an error naming it. */
int mr_ns_join(const struct oci_linux *l, size_t i, int flag, struct mr_error **err);

/* After joining the user namespace `user_path`: become its root (uid and
 * gid 0) when it maps them, as the init of a new one does. */
int mr_ns_become_root(const char *user_path, struct mr_error **err);

/* linux.timeOffsets into /proc/self/timens_offsets: the time namespace the
 * caller's children will enter, which no process may have entered yet. */
int mr_ns_write_time_offsets(const struct oci_map_time_offset *t, struct mr_error **err);

/* unshare(flags) of the new namespaces, after mr_ns_join_paths joined a user
 * namespace; linux.timeOffsets are written for a new time namespace. A new
 * pid or time namespace only takes the caller's children: the caller forks
 * (see init.c). `user_path` names the joined namespace in errors. */
int mr_ns_unshare_late(int flags, const struct oci_linux *l, const char *user_path, struct mr_error **err);

#endif
