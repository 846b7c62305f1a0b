/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Replays the fuzz corpus and every crash reproducer through the fuzz target, without
 * libFuzzer: built with gcc and ASan+UBSan for `make test`. Each file runs in its own
 * child so one finding does not hide the rest.
 *   replay DIR|FILE...    last line: "fuzz-replay: N passed, N failed"
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned passed, failed;

static int run_one(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long size;

	if (!f)
		return 1;
	if (fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		fclose(f);
		return 1;
	}
	buf = malloc(size ? (size_t)size : 1);
	if (!buf || fread(buf, 1, (size_t)size, f) != (size_t)size) {
		fclose(f);
		return 1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, (size_t)size);
	free(buf);
	return 0;
}

static void replay(const char *path)
{
	pid_t pid;
	int status;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		exit(1);
	}
	if (!pid)
		_exit(run_one(path));
	if (waitpid(pid, &status, 0) == pid && WIFEXITED(status) && !WEXITSTATUS(status)) {
		passed++;
		return;
	}
	failed++;
	printf("FAIL %s: %s %d\n", path, WIFSIGNALED(status) ? "signal" : "exit",
	       WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static void replay_path(const char *path)
{
	struct dirent **ents;
	struct stat st;
	char file[4096];
	int n, i;

	if (stat(path, &st)) {
		printf("FAIL %s: missing\n", path);
		failed++;
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		replay(path);
		return;
	}
	n = scandir(path, &ents, NULL, by_name);
	for (i = 0; i < n; i++) {
		snprintf(file, sizeof(file), "%s/%s", path, ents[i]->d_name);
		/* README and dot files are notes, not inputs. */
		if (ents[i]->d_name[0] != '.' && strcmp(ents[i]->d_name, "README") &&
		    !stat(file, &st) && S_ISREG(st.st_mode))
			replay(file);
		free(ents[i]);
	}
	free(n >= 0 ? ents : NULL);
}

int main(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		replay_path(argv[i]);
	/* An empty corpus would pass without testing anything. */
	if (!passed && !failed) {
		printf("FAIL no inputs\n");
		failed++;
	}
	printf("fuzz-replay: %u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
