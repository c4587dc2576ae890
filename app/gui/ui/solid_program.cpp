#include "ui/solid_program.h"

#define GL_GLEXT_PROTOTYPES 1
#include <GL/gl.h>
#include <GL/glext.h>

#include <string>

namespace slowpath::gui {

namespace {

const char* kVertex = R"(
uniform mat4 ProjMtx;
in vec2 Position;
in vec4 Color;
out vec4 Frag_Color;
void main() {
    Frag_Color = Color;
    gl_Position = ProjMtx * vec4(Position.xy, 0, 1);
}
)";

const char* kFragment = R"(
in vec4 Frag_Color;
out vec4 Out_Color;
void main() {
    Out_Color = Frag_Color;
}
)";

unsigned compile(GLenum kind, const std::string& version, const char* body) {
    unsigned shader = glCreateShader(kind);
    const char* parts[] = {version.c_str(), "\n", body};
    glShaderSource(shader, 3, parts, nullptr);
    glCompileShader(shader);
    GLint ok = 0;
    glGetShaderiv(shader, GL_COMPILE_STATUS, &ok);
    if (!ok) {
        glDeleteShader(shader);
        return 0;
    }
    return shader;
}

}  // namespace

SolidProgram::~SolidProgram() {
    if (program_) glDeleteProgram(program_);
}

bool SolidProgram::build(unsigned imgui_program) {
    GLint position = glGetAttribLocation(imgui_program, "Position");
    GLint color = glGetAttribLocation(imgui_program, "Color");
    if (position < 0 || color < 0) return false;
    unsigned vs = compile(GL_VERTEX_SHADER, glsl_, kVertex);
    unsigned fs = compile(GL_FRAGMENT_SHADER, glsl_, kFragment);
    if (vs && fs) {
        program_ = glCreateProgram();
        glAttachShader(program_, vs);
        glAttachShader(program_, fs);
        // The vertex array ImGui set up feeds both programs.
        glBindAttribLocation(program_, static_cast<GLuint>(position), "Position");
        glBindAttribLocation(program_, static_cast<GLuint>(color), "Color");
        glLinkProgram(program_);
        GLint ok = 0;
        glGetProgramiv(program_, GL_LINK_STATUS, &ok);
        if (!ok) {
            glDeleteProgram(program_);
            program_ = 0;
        }
    }
    if (vs) glDeleteShader(vs);
    if (fs) glDeleteShader(fs);
    if (!program_) return false;
    proj_ = glGetUniformLocation(program_, "ProjMtx");
    imgui_proj_ = glGetUniformLocation(imgui_program, "ProjMtx");
    return proj_ >= 0 && imgui_proj_ >= 0;
}

bool SolidProgram::use() {
    if (failed_) return false;
    GLint current = 0;
    glGetIntegerv(GL_CURRENT_PROGRAM, &current);
    if (current <= 0) return false;
    if (program_ && static_cast<unsigned>(current) == program_) return true;  // in use already
    imgui_program_ = static_cast<unsigned>(current);
    if (!program_ && !build(imgui_program_)) {
        failed_ = true;
        return false;
    }
    float projection[16];
    glGetUniformfv(imgui_program_, imgui_proj_, projection);
    glUseProgram(program_);
    glUniformMatrix4fv(proj_, 1, GL_FALSE, projection);
    return true;
}

void SolidProgram::give_back() const {
    if (imgui_program_) glUseProgram(imgui_program_);
}

}  // namespace slowpath::gui
